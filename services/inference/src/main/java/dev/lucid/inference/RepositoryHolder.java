package dev.lucid.inference;

import dev.lucid.runtime.ModelRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Owns the model repository: loaded at startup, closed at shutdown. */
@ApplicationScoped
public class RepositoryHolder {
    private static final Logger LOG = Logger.getLogger(RepositoryHolder.class);

    private final InferenceConfig config;
    private volatile ModelRepository repository;

    RepositoryHolder(InferenceConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent ev) {
        repository();
    }

    /** The loaded repository (loaded on first use). */
    public synchronized ModelRepository repository() {
        if (repository == null) {
            try {
                repository = ModelRepository.load(config.modelRepository().toAbsolutePath().normalize(),
                        config.intraOpThreads(), config.cpuInstances());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model repository " + config.modelRepository(), e);
            }
            LOG.infof("serving %d model version(s) from %s; all ready: %s", repository.servedModels().size(),
                    repository.root(), repository.allReady());
        }
        return repository;
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (repository != null) {
            repository.close();
        }
    }
}
