package dev.lucid.coordinator.tenancy;

import io.grpc.Context;

import java.util.Optional;

/** The tenant of the call in progress, set by {@link TenantInterceptor} from the caller's bearer token. */
public final class Tenant {
    static final Context.Key<String> KEY = Context.key("lucid-tenant");

    private Tenant() {
    }

    /** The caller's tenant; empty when the coordinator runs without tokens (one shared space). */
    public static Optional<String> current() {
        return Optional.ofNullable(KEY.get());
    }
}
