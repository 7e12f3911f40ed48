package dev.lucid.coordinator.tenancy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Tokens stored hashed, each naming a tenant; every bad line refused by file and line. */
class BearerTokensTest {

    @Test
    void aTokenNamesItsTenantThroughItsHash() {
        assertEquals(64, BearerTokens.hash("secret-a").length());
        BearerTokens t = BearerTokens.parse("tokens", List.of("# tenants", "", "team-a " + BearerTokens.hash("secret-a") + "  # CI",
                "team-b " + BearerTokens.hash("secret-b").toUpperCase()));
        assertEquals(Optional.of("team-a"), t.tenantOf("secret-a"));
        assertEquals(Optional.of("team-b"), t.tenantOf("secret-b"));
        assertEquals(Optional.empty(), t.tenantOf("secret-c"));
        assertEquals(Optional.empty(), t.tenantOf(BearerTokens.hash("secret-a")), "the stored hash is not itself a token");
    }

    @Test
    void theHashIsSha256OfTheTokensUtf8Bytes() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", BearerTokens.hash(""));
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", BearerTokens.hash("hello"));
        assertNotEquals(BearerTokens.hash("a"), BearerTokens.hash("A"));
    }

    @Test
    void badLinesAreRefusedNamingFileAndLine() {
        String h = BearerTokens.hash("x");
        assertEquals("t:2: expected 'TENANT SHA256-OF-TOKEN'", refusal("# c", "team-a"));
        assertEquals("t:1: tenant 'Team' must be 1-63 of a-z, 0-9 and '-'", refusal("Team " + h));
        assertEquals("t:1: the token's SHA-256 must be 64 hex digits (sha256sum of the token)", refusal("team-a plaintext-token"));
        assertEquals("t:2: the same token is listed twice", refusal("team-a " + h, "team-b " + h));
        assertEquals("t: no tokens (every caller would be refused)", refusal("# nothing"));
    }

    private static String refusal(String... lines) {
        return assertThrows(IllegalArgumentException.class, () -> BearerTokens.parse("t", List.of(lines))).getMessage();
    }

    @Test
    void tenantScopedIdsDifferPerTenantAndKeepTheSpecsIdWithoutTenants() {
        assertEquals("ev-abc", Tenancy.evaluationId("ev-abc", Optional.empty()));
        String a = Tenancy.evaluationId("ev-abc", Optional.of("team-a"));
        assertNotEquals(a, Tenancy.evaluationId("ev-abc", Optional.of("team-b")));
        assertEquals(a, Tenancy.evaluationId("ev-abc", Optional.of("team-a")));
        assertEquals(23, a.length());
    }
}
