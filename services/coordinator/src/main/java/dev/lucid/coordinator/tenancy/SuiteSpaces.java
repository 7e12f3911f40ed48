package dev.lucid.coordinator.tenancy;

import dev.lucid.suites.ImportRequest;

import java.util.Optional;
import java.util.Set;

/**
 * Whose suites are whose. With bearer tokens, a tenant's suite {@code x} is {@code TENANT__x} at the sampler; every
 * other suite (the built-in one, those an operator imports at the sampler directly) is shared. Tenant names never
 * hold {@code _} and plain suite ids never hold {@code __}, so a sampler id names its owner unambiguously. Without
 * tokens there is one space and ids pass unchanged.
 */
public final class SuiteSpaces {
    /** Between a tenant and its suite's id at the sampler. */
    public static final String SEPARATOR = "__";

    private SuiteSpaces() {
    }

    /** Checks a suite id a client gave (field names the place in messages). */
    public static String checkId(String id, String field) {
        if (id != null && id.contains(SEPARATOR)) {
            throw new IllegalArgumentException(field + ": '" + SEPARATOR + "' is reserved (a tenant's suites are TENANT"
                    + SEPARATOR + "ID at the sampler), got '" + id + "'");
        }
        if (!ImportRequest.validSuiteId(id)) {
            throw new IllegalArgumentException(field + ": 1-64 lower-case letters, digits, '.', '_', '-', got '" + id + "'");
        }
        return id;
    }

    /** The sampler's id of a suite the caller imports: the tenant's own space with tokens. */
    public static String samplerId(Optional<String> tenant, String id) {
        return tenant.map(t -> t + SEPARATOR + id).orElse(id);
    }

    /** The id the caller sees for a sampler suite, or empty when the suite is another tenant's. */
    public static Optional<String> visibleId(Optional<String> tenant, String samplerId) {
        if (tenant.isEmpty()) {
            return Optional.of(samplerId);
        }
        String own = tenant.get() + SEPARATOR;
        if (samplerId.startsWith(own)) {
            return Optional.of(samplerId.substring(own.length()));
        }
        return samplerId.contains(SEPARATOR) ? Optional.empty() : Optional.of(samplerId);
    }

    /**
     * The sampler suite a quota of the caller's names: the tenant's own {@code id} when it has one, else the shared
     * {@code id}. An id holding {@code __} is never looked up (another tenant's suite is unknown, not a hint).
     *
     * @param known the sampler's suite ids
     * @return the sampler id, or empty when the caller has no such suite
     */
    public static Optional<String> resolve(Optional<String> tenant, String id, Set<String> known) {
        if (tenant.isEmpty()) {
            return Optional.of(id);
        }
        if (id.contains(SEPARATOR)) {
            return Optional.empty();
        }
        String own = samplerId(tenant, id);
        if (known.contains(own)) {
            return Optional.of(own);
        }
        return known.contains(id) ? Optional.of(id) : Optional.empty();
    }

    /** A sampler message as the caller should read it: the tenant's own prefix left out. */
    public static String scrub(Optional<String> tenant, String message) {
        return tenant.isEmpty() || message == null ? message : message.replace(tenant.get() + SEPARATOR, "");
    }
}
