package dev.lucid.inference;

import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.SharedMemoryRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The one KServe v2 / Triton service instance that the gRPC listener and the HTTP endpoints both call. */
@ApplicationScoped
public class InferenceApi {
    private final InferenceConfig config;
    private final RepositoryHolder holder;
    private InferenceGrpcService service;

    InferenceApi(InferenceConfig config, RepositoryHolder holder) {
        this.config = config;
        this.holder = holder;
    }

    /** Triton extensions this server implements, as ServerMetadata lists them on both protocols. */
    static List<String> extensions() {
        List<String> l = new ArrayList<>(InferenceGrpcService.BASE_EXTENSIONS);
        l.add("binary_tensor_data"); // HTTP's binary tensor extension
        return l;
    }

    /** Whether RepositoryModelLoad/Unload are served ({@code lucid.inference.model-control-mode=explicit}). */
    boolean explicitModelControl() {
        String mode = config.modelControlMode().trim();
        if (!mode.equals("none") && !mode.equals("explicit")) {
            throw new IllegalArgumentException("lucid.inference.model-control-mode must be 'none' or 'explicit', got '"
                    + mode + "'");
        }
        return mode.equals("explicit");
    }

    /** The service (created on first use). */
    public synchronized InferenceGrpcService service() {
        if (service == null) {
            String shmRoot = config.systemSharedMemoryRoot().trim();
            service = new InferenceGrpcService(holder.repository(), config.serverName(), extensions(),
                    shmRoot.isEmpty() ? null : new SharedMemoryRegistry(Path.of(shmRoot)), explicitModelControl());
        }
        return service;
    }
}
