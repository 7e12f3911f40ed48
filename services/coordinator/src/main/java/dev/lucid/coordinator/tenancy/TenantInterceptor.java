package dev.lucid.coordinator.tenancy;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Names the tenant of every call from its {@code authorization: Bearer TOKEN} header when the coordinator has tokens
 * ({@code lucid.coordinator.tokens-file}); a call without a known token is refused UNAUTHENTICATED. Health and
 * reflection services stay open.
 */
@ApplicationScoped
@GlobalInterceptor
public class TenantInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";
    /** Longer headers are refused before hashing (tokens are short). */
    static final int MAX_TOKEN_CHARS = 4096;
    private final Tenancy tenancy;

    TenantInterceptor(Tenancy tenancy) {
        this.tenancy = tenancy;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<BearerTokens> tokens = tenancy.tokens();
        String service = call.getMethodDescriptor().getServiceName();
        if (tokens.isEmpty() || service == null || service.startsWith("grpc.")) {
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, "authorization: a bearer token is required (lucid --token or LUCID_TOKEN)");
        }
        String token = header.substring(BEARER.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return refuse(call, "authorization: the bearer token is empty or longer than " + MAX_TOKEN_CHARS + " characters");
        }
        Optional<String> tenant = tokens.get().tenantOf(token);
        if (tenant.isEmpty()) {
            return refuse(call, "authorization: unknown token");
        }
        return Contexts.interceptCall(Context.current().withValue(Tenant.KEY, tenant.get()), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
