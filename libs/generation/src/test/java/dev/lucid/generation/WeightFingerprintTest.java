package dev.lucid.generation;

import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.runtime.InferenceGrpcService;
import dev.lucid.runtime.ModelRepository;
import dev.lucid.tokenizers.WordLevelTokenizer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Model fingerprints cover weights: the inference server publishes each version's content hash in its config,
 * so replacing a model's weights in place (same config, same graph) changes the fingerprint and every image key.
 */
class WeightFingerprintTest {
    static final Path ROOT = ComponentsGeneratorTest.ROOT;
    static final FileTime SETTLED = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
    static final GenerationItem ITEM = new GenerationItem("p", "a red circle on the left", 7);
    static final GenerationSettings SETTINGS = GenerationSettings.of(6, 4.0);
    /** The toy denoiser's "half" initializer (0.5f): name field, then 4 bytes of raw_data. */
    static final byte[] HALF_WEIGHT = {0x42, 0x04, 'h', 'a', 'l', 'f', 0x4a, 0x04, 0, 0, 0, 0x3f};

    /** What one load of the repository produced. */
    record Load(String fingerprint, GeneratedImage image) {
    }

    /** Copies models of deploy/test-models into a repository, files dated SETTLED (old enough to be cached). */
    static Path copyModels(Path repo, String... names) throws Exception {
        Path src = ROOT.resolve("deploy/test-models/repository");
        for (String name : names) {
            try (Stream<Path> s = Files.walk(src.resolve(name))) {
                for (Path p : s.toList()) {
                    Path dst = repo.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dst);
                    } else if (!p.getFileName().toString().startsWith(".")) {
                        Files.copy(p, dst);
                        Files.setLastModifiedTime(dst, SETTLED);
                    }
                }
            }
        }
        return repo;
    }

    /** A question to the inference service. */
    interface Ask<T> {
        T apply(KServeClient client) throws Exception;
    }

    /** Starts a fresh inference service over the repository, as a restarted server would, and asks it. */
    static <T> T withServer(Path repoDir, Ask<T> ask) throws Exception {
        String name = "weights-" + System.nanoTime();
        try (ModelRepository repo = ModelRepository.load(repoDir, 1)) {
            Server server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(new InferenceGrpcService(repo, "test")).build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                return ask.apply(new KServeClient(channel, ClientOptions.defaults()));
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        }
    }

    static Load components(Path repoDir) throws Exception {
        WordLevelTokenizer tokenizer = WordLevelTokenizer.load(ROOT.resolve("deploy/mini-world/tokenizer.json"));
        return withServer(repoDir, client -> {
            ComponentsGenerator g = new ComponentsGenerator(client, ComponentsGeneratorTest.TOY, tokenizer);
            return new Load(g.fingerprint(), g.generate(List.of(ITEM), SETTINGS).get(0));
        });
    }

    /** Rewrites the toy denoiser's 0.5 scale as 0.25 in place: same config, same graph, other weights. */
    static void replaceDenoiserWeights(Path repoDir) throws Exception {
        Path model = repoDir.resolve("toy_denoiser/1/model.onnx");
        byte[] bytes = Files.readAllBytes(model);
        int at = indexOf(bytes, HALF_WEIGHT);
        assertNotEquals(-1, at, "the toy denoiser has its 'half' weight");
        assertEquals(-1, indexOf(Arrays.copyOfRange(bytes, at + 1, bytes.length), HALF_WEIGHT), "one 'half' weight");
        bytes[at + HALF_WEIGHT.length - 2] = (byte) 0x80; // 0x3f000000 (0.5f) -> 0x3e800000 (0.25f)
        bytes[at + HALF_WEIGHT.length - 1] = 0x3e;
        Files.write(model, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void replacingTheDenoiserWeightsInPlaceChangesTheFingerprintAndTheKeys(@TempDir Path dir) throws Exception {
        Path repo = copyModels(dir, "toy_text_encoder", "toy_denoiser");
        Load first = components(repo);
        Load second = components(repo);
        assertEquals(first.fingerprint(), second.fingerprint(), "same weights, same fingerprint across loads");
        assertEquals(first.image().key(), second.image().key());
        assertEquals(first.image().sha256(), second.image().sha256());

        long configBefore = Files.getLastModifiedTime(repo.resolve("toy_denoiser/config.pbtxt")).toMillis();
        replaceDenoiserWeights(repo);
        Load replaced = components(repo);
        assertEquals(configBefore, Files.getLastModifiedTime(repo.resolve("toy_denoiser/config.pbtxt")).toMillis());
        assertNotEquals(first.image().sha256(), replaced.image().sha256(), "the new weights make another image");
        assertNotEquals(first.fingerprint(), replaced.fingerprint());
        assertNotEquals(first.image().key(), replaced.image().key());
        assertEquals(ImageKey.of(replaced.fingerprint(), ITEM.prompt(), ITEM.seed(), SETTINGS), replaced.image().key());
    }

    @Test
    void aPipelineModelsFingerprintFollowsItsContentHash(@TempDir Path dir) throws Exception {
        T2iModel pipe = new T2iModel("toy-pipe", T2iModel.Shape.PIPELINE, null, null, "toy_pipeline", "");
        Ask<String> fingerprint = client -> new PipelineGenerator(client, pipe).fingerprint();
        Path a = copyModels(dir.resolve("a"), "toy_pipeline");
        Path b = copyModels(dir.resolve("b"), "toy_pipeline");
        assertEquals(withServer(a, fingerprint), withServer(b, fingerprint), "same files, same fingerprint");
        // A Triton repository carries the hash in config.pbtxt, as Triton computes none.
        Files.writeString(b.resolve("toy_pipeline/config.pbtxt"), "parameters { key: \"lucid_content_sha256\" "
                + "value: { string_value: \"" + "0".repeat(64) + "\" } }\n", StandardOpenOption.APPEND);
        assertNotEquals(withServer(a, fingerprint), withServer(b, fingerprint));
    }
}
