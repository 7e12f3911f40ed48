package dev.lucid.coordinator.tenancy;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Tenants' suite spaces: own suites renamed at the sampler, shared ones visible, another tenant's unknown. */
class SuiteSpacesTest {
    static final Optional<String> A = Optional.of("team-a");
    static final Optional<String> NONE = Optional.empty();

    @Test
    void aTenantsSuitesLiveUnderItsNameAndOthersAreInvisible() {
        assertEquals("team-a__i2p", SuiteSpaces.samplerId(A, "i2p"));
        assertEquals("i2p", SuiteSpaces.samplerId(NONE, "i2p"), "without tokens one shared space");
        assertEquals(Optional.of("i2p"), SuiteSpaces.visibleId(A, "team-a__i2p"));
        assertEquals(Optional.of("mini-world"), SuiteSpaces.visibleId(A, "mini-world"), "shared");
        assertEquals(Optional.empty(), SuiteSpaces.visibleId(A, "team-b__i2p"), "another tenant's");
        assertEquals(Optional.empty(), SuiteSpaces.visibleId(Optional.of("team"), "team-a__i2p"), "a tenant whose name is a prefix");
        assertEquals(Optional.of("team-b__i2p"), SuiteSpaces.visibleId(NONE, "team-b__i2p"), "the operator sees every suite");
    }

    @Test
    void quotasResolveToTheTenantsOwnSuiteFirstThenASharedOne() {
        Set<String> known = Set.of("mini-world", "i2p", "team-a__i2p", "team-b__secret");
        assertEquals(Optional.of("team-a__i2p"), SuiteSpaces.resolve(A, "i2p", known), "its own before the shared one");
        assertEquals(Optional.of("mini-world"), SuiteSpaces.resolve(A, "mini-world", known));
        assertEquals(Optional.empty(), SuiteSpaces.resolve(A, "secret", known), "team-b's suite is unknown to team-a");
        assertEquals(Optional.empty(), SuiteSpaces.resolve(A, "team-b__secret", known), "even by its sampler id");
        assertEquals(Optional.of("team-b__secret"), SuiteSpaces.resolve(NONE, "team-b__secret", known));
        assertEquals("quotas[0].suite_id: unknown suite 'i2p'", SuiteSpaces.scrub(A, "quotas[0].suite_id: unknown suite 'team-a__i2p'"));
    }

    @Test
    void clientIdsAreCheckedAndTheSeparatorIsReserved() {
        assertEquals("coco.30k", SuiteSpaces.checkId("coco.30k", "header.suite_id"));
        assertEquals("header.suite_id: '__' is reserved (a tenant's suites are TENANT__ID at the sampler), got 'team-b__x'",
                assertThrows(IllegalArgumentException.class, () -> SuiteSpaces.checkId("team-b__x", "header.suite_id")).getMessage());
        assertEquals("header.suite_id: 1-64 lower-case letters, digits, '.', '_', '-', got 'Big'",
                assertThrows(IllegalArgumentException.class, () -> SuiteSpaces.checkId("Big", "header.suite_id")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SuiteSpaces.checkId("x".repeat(65), "header.suite_id"));
        assertThrows(IllegalArgumentException.class, () -> SuiteSpaces.checkId(null, "header.suite_id"));
    }
}
