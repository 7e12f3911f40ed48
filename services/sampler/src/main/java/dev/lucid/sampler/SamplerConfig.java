package dev.lucid.sampler;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;

/** Settings of the sampler ({@code lucid.sampler.*}). */
@ConfigMapping(prefix = "lucid.sampler")
public interface SamplerConfig {
    /** The mini world's spec. */
    Path world();

    /** Directory that relative paths resolve against. */
    Path baseDir();

    /** Prompts per stratum in the built-in mini-world suite. */
    int miniWorldPerStratum();

    /** Seed of the built-in mini-world suite. */
    long miniWorldSeed();

    /** Directory of imported suites (one {@code <id>.suite.jsonl} each); relative paths resolve against base-dir. */
    Path suitesDir();

    /** Largest file an import may stream (bytes, main and question-answer file together). */
    long maxImportBytes();

    /** Most imported suites kept. */
    int maxSuites();
}
