package dev.lucid.inference;

import dev.lucid.runtime.ModelEntry;
import dev.lucid.runtime.ModelRepository;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.HashSet;
import java.util.Set;

/**
 * The standard {@code grpc.health.v1.Health} service (Check and Watch) over the repository: service
 * {@code ""} is SERVING when every model directory is ready (as ServerReady), and each model's name is
 * a service that is SERVING while the model has a ready version. It follows loads and unloads, so
 * Watch streams see a model go NOT_SERVING when it is unloaded or fails to load.
 */
final class ModelHealth {
    private final ModelRepository repository;
    private final HealthStatusManager manager = new HealthStatusManager();
    private final Set<String> known = new HashSet<>();

    ModelHealth(ModelRepository repository) {
        this.repository = repository;
        refresh();
        repository.onChange(this::refresh);
    }

    /** The gRPC service to add to the server. */
    BindableService service() {
        return manager.getHealthService();
    }

    /** Sets every model's status and the overall one from the repository's current state. */
    synchronized void refresh() {
        Set<String> seen = new HashSet<>();
        for (ModelEntry e : repository.index()) {
            seen.add(e.name());
        }
        for (String name : seen) {
            manager.setStatus(name, repository.isReady(name) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
        for (String gone : known) {
            if (!seen.contains(gone)) {
                manager.setStatus(gone, ServingStatus.NOT_SERVING); // unloaded: known, not serving
            }
        }
        known.addAll(seen);
        manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                repository.allReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    /** Stops the service: every Watch sees NOT_SERVING. */
    void shutdown() {
        manager.enterTerminalState();
    }
}
