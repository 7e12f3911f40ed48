package dev.lucid.generation;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.nio.file.Path;

/** A model repository served by the real inference service over in-process gRPC, and a client of it. */
record InProcessInference(ModelRepository repository, Server server, ManagedChannel channel, KServeClient client)
        implements AutoCloseable {

    static InProcessInference serve(Path repository) throws Exception {
        ModelRepository repo = ModelRepository.load(repository, 1);
        String name = "inference-" + System.nanoTime();
        Server server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new InferenceGrpcService(repo, "test")).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        return new InProcessInference(repo, server, channel, new KServeClient(channel, ClientOptions.defaults()));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        repository.close();
    }
}
