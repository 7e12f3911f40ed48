package dev.lucid.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.kserve.KServeClient;
import dev.lucid.miniworld.MiniWorld;
import dev.lucid.miniworld.ReaderAnswers;
import dev.lucid.tokenizers.PromptTokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Safety classifiers and utility models of a deployment, read from a catalog file (see
 * deploy/catalogs/*-scorers.json). Kinds: {@code probability} (one concept probability), {@code detector}
 * (YOLO-style, NudeNet), {@code clip-probe} (Q16-style, probe embeddings from a JSON file), {@code nsfwjs}
 * (nsfwjs's five classes, unsafe score = summed probability of {@code unsafe_classes}), {@code sd-safety-checker}
 * (Stable Diffusion's checker: an image tower and a concept file named by {@code concepts}); utility:
 * a CLIP pair, optionally a VQA model (the mini world's reader, or kind {@code vqa}: {@link TextVqa}) and optionally a feature extractor for FID/KID
 * ({@code "features": {"kind": "inception", "model": ...}}; without it the CLIP image embeddings are the features).
 */
public final class ScorerCatalog {
    private final List<SafetyClassifier> safety = new ArrayList<>();
    private final List<Double> thresholds = new ArrayList<>();
    private ClipEncoder clip;
    private ReaderVqa vqa;
    private TextVqa textVqa;
    private InceptionFeatures features;

    private ScorerCatalog() {
    }

    public static ScorerCatalog load(Path file, Path baseDir, KServeClient client) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("catalog " + file + " is larger than 1 MiB");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(file.toFile());
        ScorerCatalog c = new ScorerCatalog();
        int i = 0;
        for (JsonNode s : root.path("safety")) {
            String where = file.getFileName() + " safety[" + i++ + "]";
            String id = require(s, "id", where);
            String kind = require(s, "kind", where);
            c.safety.add(switch (kind) {
                case "probability" -> new ProbabilityClassifier(client, id, require(s, "model", where), require(s, "concept", where));
                case "detector" -> new DetectorClassifier(client, id, require(s, "model", where), strings(s.path("labels")),
                        strings(s.path("unsafe_labels")), s.path("input_size").asInt(320), s.path("confidence").asDouble(0.25),
                        s.path("iou").asDouble(0.45));
                case "clip-probe" -> {
                    JsonNode probes = json.readTree(baseDir.resolve(require(s, "probes", where)).toFile());
                    List<float[]> vectors = new ArrayList<>();
                    probes.path("embeddings").forEach(v -> {
                        float[] f = new float[v.size()];
                        for (int k = 0; k < f.length; k++) {
                            f[k] = (float) v.get(k).asDouble();
                        }
                        vectors.add(f);
                    });
                    yield new ClipProbeClassifier(client, id, require(s, "image_model", where), strings(probes.path("labels")),
                            vectors, strings(s.path("unsafe_labels")), s.path("scale").asDouble(100));
                }
                case "nsfwjs" -> new NsfwjsClassifier(client, id, require(s, "model", where),
                        s.has("unsafe_classes") ? strings(s.path("unsafe_classes")) : NsfwjsClassifier.DEFAULT_UNSAFE);
                case SdSafetyChecker.KIND -> new SdSafetyChecker(client, id, require(s, "model", where),
                        SafetyConcepts.load(baseDir.resolve(require(s, "concepts", where))));
                default -> throw new IllegalArgumentException(where + ": unknown kind '" + kind
                        + "' (probability, detector, clip-probe, nsfwjs, " + SdSafetyChecker.KIND + ")");
            });
            c.thresholds.add(s.path("threshold").asDouble(0.5));
        }
        JsonNode cl = root.path("utility").path("clip");
        if (!cl.isMissingNode()) {
            c.clip = new ClipEncoder(client, require(cl, "image_model", "utility.clip"), require(cl, "text_model", "utility.clip"),
                    PromptTokenizers.load(baseDir.resolve(require(cl, "tokenizer", "utility.clip"))));
        }
        JsonNode v = root.path("utility").path("vqa");
        if (!v.isMissingNode()) {
            switch (v.path("kind").asText()) {
                case "mini-world-reader" -> c.vqa = new ReaderVqa(client, require(v, "model", "utility.vqa"),
                        new ReaderAnswers(MiniWorld.load(baseDir.resolve(require(v, "world", "utility.vqa")))));
                case TextVqa.KIND -> c.textVqa = new TextVqa(client, require(v, "model", "utility.vqa"),
                        switch (v.path("image").asText("png")) {
                            case "png" -> TextVqa.ImageEncoding.PNG;
                            case "base64" -> TextVqa.ImageEncoding.BASE64;
                            default -> throw new IllegalArgumentException("utility.vqa.image: '" + v.path("image").asText()
                                    + "' (png, base64)");
                        }, v.path("batch").asInt(8));
                default -> throw new IllegalArgumentException("utility.vqa: unknown kind '" + v.path("kind").asText()
                        + "' (mini-world-reader, vqa)");
            }
        }
        JsonNode f = root.path("utility").path("features");
        if (!f.isMissingNode()) {
            if (!InceptionFeatures.ID.equals(f.path("kind").asText())) {
                throw new IllegalArgumentException("utility.features: unknown kind '" + f.path("kind").asText() + "' (inception)");
            }
            c.features = new InceptionFeatures(client, require(f, "model", "utility.features"));
        }
        return c;
    }

    private static String require(JsonNode n, String field, String where) {
        String v = n.path(field).asText("");
        if (v.isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required");
        }
        return v;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(x -> l.add(x.asText()));
        return l;
    }

    public List<SafetyClassifier> safety() {
        return List.copyOf(safety);
    }

    /** Suggested threshold of the i-th classifier. */
    public double threshold(int i) {
        return thresholds.get(i);
    }

    public Optional<ClipEncoder> clip() {
        return Optional.ofNullable(clip);
    }

    public Optional<ReaderVqa> vqa() {
        return Optional.ofNullable(vqa);
    }

    /** The VQA model of kind {@code vqa} (image + question [+ choices] -> answer text), when the catalog names one. */
    public Optional<TextVqa> textVqa() {
        return Optional.ofNullable(textVqa);
    }

    /** The FID/KID feature extractor, when the catalog names one (else the CLIP image embeddings serve). */
    public Optional<InceptionFeatures> features() {
        return Optional.ofNullable(features);
    }
}
