package dev.lucid.inference;

import dev.lucid.runtime.InferenceGrpcService;
import jakarta.enterprise.context.ApplicationScoped;

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

    /** The service (created on first use). */
    public synchronized InferenceGrpcService service() {
        if (service == null) {
            service = new InferenceGrpcService(holder.repository(), config.serverName(), extensions());
        }
        return service;
    }
}
