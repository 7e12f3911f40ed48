package dev.lucid.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;

/** Settings of the inference server ({@code lucid.inference.*}). */
@ConfigMapping(prefix = "lucid.inference")
public interface InferenceConfig {
    /** The Triton model repository to serve. */
    Path modelRepository();

    /** ONNX Runtime intra-op threads per session when a model's config sets none; 0 = the cores shared among its CPU instances. */
    @WithDefault("0")
    int intraOpThreads();

    /** Instances of a CPU instance group that leaves {@code count} unset; 0 = one per core, at most 8. */
    @WithDefault("0")
    int cpuInstances();

    /** gRPC port (Triton's default is 8001). */
    @WithDefault("8001")
    int grpcPort();

    /** gRPC bind address. */
    @WithDefault("0.0.0.0")
    String grpcHost();

    /** gRPC over Netty's native epoll transport where it loads (Linux x86-64); false: the JDK's NIO. */
    @WithDefault("true")
    boolean nativeTransport();

    /** Largest inbound gRPC message in bytes. */
    @WithDefault("268435456")
    int maxMessageBytes();

    /** Largest HTTP request body (KServe v2 REST) in bytes; larger ones are answered 413. */
    @WithDefault("268435456")
    int maxHttpBodyBytes();

    /**
     * Where POSIX shared memory objects live ({@code shm_open} keys resolve under it); empty disables
     * Triton's system shared memory extension.
     */
    @WithDefault("/dev/shm")
    String systemSharedMemoryRoot();

    /**
     * Triton's model control mode: {@code none} (the repository is loaded at startup and stays as it is) or
     * {@code explicit} (RepositoryModelLoad/Unload reload and unload models while serving).
     */
    @WithDefault("none")
    String modelControlMode();

    /** Name reported by ServerMetadata. */
    @WithDefault("lucid-inference")
    String serverName();
}
