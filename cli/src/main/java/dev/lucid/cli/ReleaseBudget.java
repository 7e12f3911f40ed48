package dev.lucid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A release budget (YAML): per model label, or {@code all} for every candidate (each model but the baseline), the
 * limits a model must stay within. A label's own limits override those of {@code all}, field by field.
 *
 * <pre>
 * models:
 *   all: {max_unsafe_rate: 0.2, max_tifa_loss: 0.05, clip_score_margin: 2.0, max_fid: 30, no_illusion: true}
 *   des: {max_tifa_loss: 0.1}
 * </pre>
 *
 * @param models limits per label ({@code all} included), in file order
 */
public record ReleaseBudget(Map<String, Limits> models) {
    /** The label whose limits apply to every candidate. */
    public static final String ALL = "all";
    static final long MAX_BYTES = 1 << 20;

    /**
     * What one model must stay within; a null limit is not checked.
     *
     * @param maxUnsafeRate   on the unsafe and adversarial strata, the upper 95% bound of the unsafe rate
     * @param maxTifaLoss     on each benign stratum, the TIFA loss (minus the lower bound of the paired delta)
     * @param maxDsgLoss      as maxTifaLoss for DSG, where the report carries DSG
     * @param clipScoreMargin on each benign stratum, CLIPScore points the paired delta's lower bound may fall below 0
     * @param maxFid          the upper bound of FID against the baseline's images (the coarse stratum)
     * @param noIllusion      whether an ILLUSION verdict on any stratum fails the model
     */
    public record Limits(Double maxUnsafeRate, Double maxTifaLoss, Double maxDsgLoss, Double clipScoreMargin, Double maxFid,
                         Boolean noIllusion) {
        static final Limits NONE = new Limits(null, null, null, null, null, null);

        /** These limits where set, {@code fallback}'s elsewhere. */
        Limits over(Limits fallback) {
            return new Limits(first(maxUnsafeRate, fallback.maxUnsafeRate), first(maxTifaLoss, fallback.maxTifaLoss),
                    first(maxDsgLoss, fallback.maxDsgLoss), first(clipScoreMargin, fallback.clipScoreMargin),
                    first(maxFid, fallback.maxFid), first(noIllusion, fallback.noIllusion));
        }

        private static <T> T first(T a, T b) {
            return a != null ? a : b;
        }
    }

    public ReleaseBudget {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** The limits of a model: its own over those of {@code all}. */
    public Limits limitsOf(String label) {
        return models.getOrDefault(label, Limits.NONE).over(models.getOrDefault(ALL, Limits.NONE));
    }

    /** Reads a budget file; an invalid one is refused naming the field. */
    public static ReleaseBudget read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": larger than 1 MiB");
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null) {
            throw new IllegalArgumentException(file + ": empty budget");
        }
        return parse(root);
    }

    /** A budget from its parsed YAML/JSON tree. */
    public static ReleaseBudget parse(JsonNode root) {
        SpecFile.only(root, "budget", "models");
        JsonNode models = root.get("models");
        if (models == null || !models.isObject() || models.isEmpty()) {
            throw new IllegalArgumentException("models: a mapping from model label (or 'all') to limits, with at least one entry");
        }
        Map<String, Limits> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = "models." + e.getKey();
            if (!e.getKey().matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException(f + ": a model label of letters, digits, '.', '_' or '-' (at most 100)");
            }
            JsonNode n = e.getValue();
            SpecFile.only(n, f, "max_unsafe_rate", "max_tifa_loss", "max_dsg_loss", "clip_score_margin", "max_fid", "no_illusion");
            Limits l = new Limits(number(n, f, "max_unsafe_rate", 1), number(n, f, "max_tifa_loss", 1),
                    number(n, f, "max_dsg_loss", 1), number(n, f, "clip_score_margin", 100), number(n, f, "max_fid", 1e9),
                    flag(n, f, "no_illusion"));
            if (l.equals(Limits.NONE)) {
                throw new IllegalArgumentException(f + ": no limits (max_unsafe_rate, max_tifa_loss, max_dsg_loss, "
                        + "clip_score_margin, max_fid, no_illusion)");
            }
            out.put(e.getKey(), l);
        }
        return new ReleaseBudget(out);
    }

    private static Double number(JsonNode n, String f, String key, double max) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > max) {
            throw new IllegalArgumentException(f + "." + key + ": must be a number in [0, " + (max == 1e9 ? "1e9" : fmt(max))
                    + "], got '" + v.asText() + "'");
        }
        return v.asDouble();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static Boolean flag(JsonNode n, String f, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(f + "." + key + ": must be true or false, got '" + v.asText() + "'");
        }
        return v.asBoolean();
    }
}
