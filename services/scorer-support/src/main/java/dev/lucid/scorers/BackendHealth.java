package dev.lucid.scorers;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the KServe v2 backend answers. */
@Readiness
@ApplicationScoped
public class BackendHealth implements HealthCheck {
    private final Scorers scorers;

    BackendHealth(Scorers scorers) {
        this.scorers = scorers;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kserve-backend").status(scorers.backendLive()).build();
    }
}
