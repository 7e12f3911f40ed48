package dev.lucid.inference;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lays out target/test-repository before the server starts: the committed test models, a copy of
 * simple_add that the model control test rewrites ({@code reloadable}), plus four broken model
 * directories (bad config syntax, missing model file, corrupt model file, a config that names an input
 * the graph does not have).
 */
public class TestRepository implements QuarkusTestResourceLifecycleManager {
    static final Path TARGET = Paths.get("target/test-repository");

    static Path sourceRepository() {
        String root = System.getProperty("lucid.repo.root", "../..");
        return Paths.get(root, "deploy/test-models/repository");
    }

    @Override
    public Map<String, String> start() {
        try {
            if (Files.exists(TARGET)) {
                try (Stream<Path> s = Files.walk(TARGET)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Path src = sourceRepository();
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path dst = TARGET.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dst);
                    } else {
                        Files.copy(p, dst);
                    }
                }
            }
            Path goodModel = src.resolve("simple_add/2/model.onnx");

            Path badConfig = Files.createDirectories(TARGET.resolve("broken_config/1"));
            Files.copy(goodModel, badConfig.resolve("model.onnx"));
            Files.writeString(TARGET.resolve("broken_config/config.pbtxt"), "name: \"broken_config\"\nmax_batch_size: [8\n");

            Files.createDirectories(TARGET.resolve("missing_file/1"));
            Files.writeString(TARGET.resolve("missing_file/config.pbtxt"), "platform: \"onnxruntime_onnx\"\n");

            Path corrupt = Files.createDirectories(TARGET.resolve("corrupt_model/1"));
            Files.write(corrupt.resolve("model.onnx"), "this is not an onnx protobuf".getBytes());

            // A model the explicit model control test rewrites and reloads.
            Path reloadable = Files.createDirectories(TARGET.resolve("reloadable/2"));
            Files.copy(goodModel, reloadable.resolve("model.onnx"));
            Files.writeString(TARGET.resolve("reloadable/config.pbtxt"), """
                    name: "reloadable"
                    platform: "onnxruntime_onnx"
                    max_batch_size: 8
                    input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "INPUT1" data_type: TYPE_FP32 dims: [ 16 ] } ]
                    output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 16 ] } ]
                    dynamic_batching { max_queue_delay_microseconds: 20000 }
                    """);

            Path wrongInput = Files.createDirectories(TARGET.resolve("wrong_input/1"));
            Files.copy(goodModel, wrongInput.resolve("model.onnx"));
            Files.writeString(TARGET.resolve("wrong_input/config.pbtxt"), """
                    max_batch_size: 8
                    input [ { name: "NOPE" data_type: TYPE_FP32 dims: [ 16 ] } ]
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("lucid.inference.model-repository", TARGET.toAbsolutePath().toString());
    }

    @Override
    public void stop() {
        // left in target/ for inspection
    }
}
