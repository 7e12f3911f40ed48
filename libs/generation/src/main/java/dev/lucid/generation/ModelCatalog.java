package dev.lucid.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text-to-image models a generator serves, read from a catalog file (see deploy/catalogs/):
 * name, shape, backend model names and, for components models and pipeline models that name their
 * {@code text_encoder} (a backend model of its own, for prompt embeddings), the tokenizer file (relative paths
 * resolve against {@code baseDir}) and the initial noise ({@code "noise": "java"} by default, or
 * {@code "torch"} for noise identical to torch's seeded CPU generator). A latent model also names its
 * {@code decoder} (a VAE decoder, {@code latent_sample} → {@code sample}), optionally its {@code latent_scale}
 * (0.18215 by default, Stable Diffusion 1.x's) and its {@code sample_size} (latent side, needed when the
 * denoiser's spatial dimensions are dynamic, as in optimum's exports: 64 for SD 1.x at 512 px).
 */
public final class ModelCatalog {
    /** A catalog entry: the model and its tokenizer file (components mode, or a pipeline's text encoder; else null). */
    public record Entry(T2iModel model, Path tokenizer) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ModelCatalog() {
    }

    /**
     * Reads a catalog.
     *
     * @throws IllegalArgumentException naming the entry that is invalid
     */
    public static ModelCatalog load(Path file, Path baseDir) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("catalog " + file + " is larger than 1 MiB");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        ModelCatalog c = new ModelCatalog();
        int i = 0;
        for (JsonNode m : root.path("models")) {
            String where = file.getFileName() + " models[" + i++ + "]";
            String shape = m.path("shape").asText();
            T2iModel.Shape s = switch (shape) {
                case "components" -> T2iModel.Shape.COMPONENTS;
                case "pipeline" -> T2iModel.Shape.PIPELINE;
                default -> throw new IllegalArgumentException(where + ": shape must be components or pipeline, got '" + shape + "'");
            };
            T2iModel model;
            try {
                String noise = text(m, "noise");
                model = new T2iModel(m.path("name").asText(), s, text(m, "text_encoder"), text(m, "denoiser"),
                        text(m, "pipeline"), m.path("description").asText(""),
                        noise == null ? T2iModel.Noise.JAVA : T2iModel.Noise.parse(noise), latentSpace(m));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            Path tok = null;
            String t = text(m, "tokenizer");
            if (s == T2iModel.Shape.COMPONENTS || model.textEncoder() != null) {
                if (t == null) {
                    throw new IllegalArgumentException(where + (s == T2iModel.Shape.COMPONENTS ? ": components model"
                            : ": a pipeline model with a text_encoder") + " needs a tokenizer file");
                }
                tok = baseDir.resolve(t).normalize();
            } else if (t != null) {
                throw new IllegalArgumentException(where + ": tokenizer applies to a text_encoder; this pipeline model names none");
            }
            if (c.entries.put(model.name(), new Entry(model, tok)) != null) {
                throw new IllegalArgumentException(where + ": model name '" + model.name() + "' appears twice");
            }
        }
        if (c.entries.isEmpty()) {
            throw new IllegalArgumentException("catalog " + file + " lists no models");
        }
        return c;
    }

    /** The optional {@code decoder}, {@code latent_scale} and {@code sample_size} fields. */
    private static T2iModel.LatentSpace latentSpace(JsonNode m) {
        String decoder = text(m, "decoder");
        if (decoder == null) {
            for (String field : new String[]{"latent_scale", "sample_size"}) {
                if (m.has(field)) {
                    throw new IllegalArgumentException(field + " needs a decoder");
                }
            }
            return null;
        }
        JsonNode scale = m.get("latent_scale");
        if (scale != null && !scale.isNumber()) {
            throw new IllegalArgumentException("latent_scale must be a number, got " + scale);
        }
        JsonNode size = m.get("sample_size");
        if (size != null && !size.canConvertToInt()) {
            throw new IllegalArgumentException("sample_size must be an integer, got " + size);
        }
        if (size != null && size.asInt() == 0) {
            throw new IllegalArgumentException("sample_size must be in 1.." + T2iModel.LatentSpace.MAX_SAMPLE_SIZE + ", got 0");
        }
        return new T2iModel.LatentSpace(decoder, scale == null ? T2iModel.LatentSpace.SD_SCALE : scale.asDouble(),
                size == null ? 0 : size.asInt());
    }

    private static String text(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    public Optional<Entry> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }
}
