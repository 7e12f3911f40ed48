package dev.lucid.inference;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Paths;
import java.util.Map;

/** Serves the mini world's model repository on private test ports. */
public class MiniWorldProfile implements QuarkusTestProfile {
    static java.nio.file.Path repository() {
        return Paths.get(System.getProperty("lucid.repo.root", "../.."), "deploy/mini-world/models")
                .toAbsolutePath().normalize();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // Without trained models the server starts on an empty directory and the test skips visibly.
        String repo = java.nio.file.Files.isDirectory(repository()) ? repository().toString()
                : Paths.get("target").toAbsolutePath().resolve("no-mini-world").toString();
        new java.io.File(repo).mkdirs();
        return Map.of("lucid.inference.model-repository", repo,
                "lucid.inference.grpc-port", "18011",
                "quarkus.http.test-port", "18012");
    }
}
