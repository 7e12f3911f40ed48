package dev.lucid.coordinator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Redis answers. */
@Readiness
@ApplicationScoped
public class RedisHealth implements HealthCheck {
    private final Evaluations evaluations;

    RedisHealth(Evaluations evaluations) {
        this.evaluations = evaluations;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("redis").status(evaluations.redisUp()).build();
    }
}
