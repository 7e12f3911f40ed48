package dev.lucid.generation;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** deploy/sd-tiny's optimum export laid out as Triton model directories, and the shared CLIP vocabulary. */
final class SdTinyRepository {
    /** The UNet takes one timestep for the whole guidance batch, so it is served unbatched with declared tensors. */
    static final String UNET_CONFIG = """
            max_batch_size: 0
            input [
              { name: "sample" data_type: TYPE_FP32 dims: [ -1, 4, -1, -1 ] },
              { name: "timestep" data_type: TYPE_INT64 dims: [ -1 ] },
              { name: "encoder_hidden_states" data_type: TYPE_FP32 dims: [ -1, -1, 16 ] }
            ]
            output [ { name: "out_sample" data_type: TYPE_FP32 dims: [ -1, 4, -1, -1 ] } ]
            """;

    private SdTinyRepository() {
    }

    static Path export(Path root) {
        return root.resolve("deploy/sd-tiny/export");
    }

    /** Writes text_encoder, unet, vae_decoder, esd_unet and des_text_encoder into {@code repo}. */
    static void write(Path root, Path repo) throws IOException {
        Path base = export(root).resolve("base");
        serve(base.resolve("text_encoder"), repo.resolve("text_encoder"), null);
        serve(base.resolve("vae_decoder"), repo.resolve("vae_decoder"), null);
        serve(base.resolve("unet"), repo.resolve("unet"), UNET_CONFIG);
        serve(export(root).resolve("esd-unet/unet"), repo.resolve("esd_unet"), UNET_CONFIG);
        serve(export(root).resolve("des-text-encoder/text_encoder"), repo.resolve("des_text_encoder"), null);
    }

    private static void serve(Path component, Path model, String config) throws IOException {
        Path version = Files.createDirectories(model.resolve("1"));
        try (var files = Files.list(component)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("model.onnx")).toList()) {
                Files.copy(f, version.resolve(f.getFileName()));
            }
        }
        if (config != null) {
            Files.writeString(model.resolve("config.pbtxt"), config);
        }
    }

    /** openai's CLIP vocabulary under ../shared, or a visible skip of the calling test when it is absent. */
    static Path clipVocabulary() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/tokenizers/clip/bpe_simple_vocab_16e6.txt.gz").normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Assumptions.assumeTrue(false, "../shared/tokenizers/clip is absent: sd-tiny generation tests skipped");
        return null;
    }
}
