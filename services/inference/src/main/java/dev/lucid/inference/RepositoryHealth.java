package dev.lucid.inference;

import dev.lucid.runtime.ModelEntry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when every model of the repository loaded; each model's state is listed in the check's data. */
@Readiness
@ApplicationScoped
public class RepositoryHealth implements HealthCheck {
    private final RepositoryHolder holder;

    RepositoryHealth(RepositoryHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("model-repository")
                .status(holder.repository().allReady());
        for (ModelEntry e : holder.repository().index()) {
            String key = e.name() + (e.version().isEmpty() ? "" : "/" + e.version());
            b.withData(key, e.state().name() + (e.reason().isEmpty() ? "" : ": " + e.reason()));
        }
        return b.build();
    }
}
