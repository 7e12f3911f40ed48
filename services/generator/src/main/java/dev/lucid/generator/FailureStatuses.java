package dev.lucid.generator;

import dev.lucid.kserve.UncaughtFailures;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Every call whose handler throws is answered with Lucid's shared status mapping (see {@link UncaughtFailures}). */
@ApplicationScoped
@GlobalInterceptor
public class FailureStatuses extends UncaughtFailures {
}
