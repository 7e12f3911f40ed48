package dev.lucid.scorers;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.time.Duration;

/** Settings of the scoring services ({@code lucid.scorers.*}). */
@ConfigMapping(prefix = "lucid.scorers")
public interface ScorersConfig {
    /** KServe v2 / Triton gRPC host. */
    String backendHost();

    /** KServe v2 / Triton gRPC port. */
    int backendPort();

    /** Deadline of each backend call. */
    Duration backendDeadline();

    /** The scorer catalog (JSON, see deploy/catalogs). */
    Path catalog();

    /** Directory that relative paths in the catalog resolve against. */
    Path baseDir();

    /** Most images per request. */
    int maxImages();
}
