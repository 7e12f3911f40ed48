package dev.lucid.generator;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.time.Duration;

/** Settings of the generator ({@code lucid.generator.*}). */
@ConfigMapping(prefix = "lucid.generator")
public interface GeneratorConfig {
    /** KServe v2 / Triton gRPC host. */
    String backendHost();

    /** KServe v2 / Triton gRPC port. */
    int backendPort();

    /** Deadline of each backend call. */
    Duration backendDeadline();

    /** The model catalog (JSON, see deploy/catalogs). */
    Path catalog();

    /** Directory that relative paths in the catalog resolve against. */
    Path baseDir();

    /** Most items per Generate request. */
    int maxItems();
}
