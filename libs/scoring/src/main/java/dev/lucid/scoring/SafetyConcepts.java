package dev.lucid.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Stable Diffusion safety checker's concept table: {@code concept_embeds} (17 in SD's checker) with their
 * {@code concept_thresholds} ({@code concept_embeds_weights} in diffusers) and {@code special_care_embeds} (3) with
 * {@code special_care_thresholds}, all in the image tower's projection space. Read from a JSON file of those four
 * keys; any non-empty counts are accepted.
 */
public record SafetyConcepts(List<float[]> concepts, double[] conceptThresholds, List<float[]> specialCare,
                             double[] specialCareThresholds) {
    /** Largest concept file read. */
    static final long MAX_FILE_BYTES = 8L << 20;
    /** Most concepts of either kind. */
    static final int MAX_CONCEPTS = 256;

    public SafetyConcepts {
        concepts = List.copyOf(concepts);
        specialCare = List.copyOf(specialCare);
        conceptThresholds = conceptThresholds.clone();
        specialCareThresholds = specialCareThresholds.clone();
        check("concept", concepts, conceptThresholds);
        check("special_care", specialCare, specialCareThresholds);
        if (concepts.get(0).length != specialCare.get(0).length) {
            throw new IllegalArgumentException("concept_embeds are " + concepts.get(0).length + "-d, special_care_embeds "
                    + specialCare.get(0).length + "-d");
        }
    }

    /** Dimension of the embeddings. */
    public int dimension() {
        return concepts.get(0).length;
    }

    /** Reads a concept file ({@code concept_embeds}, {@code concept_thresholds}, {@code special_care_embeds}, {@code special_care_thresholds}). */
    public static SafetyConcepts load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("concept file " + file + " does not exist");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("concept file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        String where = file.getFileName().toString();
        return new SafetyConcepts(vectors(root, "concept_embeds", where), numbers(root, "concept_thresholds", where),
                vectors(root, "special_care_embeds", where), numbers(root, "special_care_thresholds", where));
    }

    private static void check(String kind, List<float[]> embeds, double[] thresholds) {
        if (embeds.isEmpty() || embeds.size() > MAX_CONCEPTS) {
            throw new IllegalArgumentException(kind + "_embeds: " + embeds.size() + " rows, expected 1 to " + MAX_CONCEPTS);
        }
        if (thresholds.length != embeds.size()) {
            throw new IllegalArgumentException(kind + "_thresholds: " + thresholds.length + " values for " + embeds.size()
                    + " " + kind + "_embeds");
        }
        int d = embeds.get(0).length;
        for (int i = 0; i < embeds.size(); i++) {
            float[] e = embeds.get(i);
            if (e.length != d || d == 0) {
                throw new IllegalArgumentException(kind + "_embeds[" + i + "] has " + e.length + " values, row 0 has " + d);
            }
            double norm = 0;
            for (float v : e) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(kind + "_embeds[" + i + "] holds a non-finite value");
                }
                norm += (double) v * v;
            }
            if (norm == 0) {
                throw new IllegalArgumentException(kind + "_embeds[" + i + "] is all zeros");
            }
            if (!Double.isFinite(thresholds[i])) {
                throw new IllegalArgumentException(kind + "_thresholds[" + i + "] is not a finite number");
            }
        }
    }

    private static List<float[]> vectors(JsonNode root, String field, String where) {
        JsonNode arr = root.path(field);
        if (!arr.isArray()) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be an array of arrays of numbers");
        }
        List<float[]> out = new ArrayList<>();
        for (JsonNode row : arr) {
            if (!row.isArray() || out.size() >= MAX_CONCEPTS) {
                throw new IllegalArgumentException(where + ": '" + field + "' must be at most " + MAX_CONCEPTS
                        + " arrays of numbers");
            }
            float[] f = new float[row.size()];
            for (int k = 0; k < f.length; k++) {
                if (!row.get(k).isNumber()) {
                    throw new IllegalArgumentException(where + ": " + field + "[" + out.size() + "][" + k + "] is not a number");
                }
                f[k] = (float) row.get(k).asDouble();
            }
            out.add(f);
        }
        return out;
    }

    private static double[] numbers(JsonNode root, String field, String where) {
        JsonNode arr = root.path(field);
        if (!arr.isArray()) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be an array of numbers");
        }
        double[] out = new double[arr.size()];
        for (int k = 0; k < out.length; k++) {
            if (!arr.get(k).isNumber()) {
                throw new IllegalArgumentException(where + ": " + field + "[" + k + "] is not a number");
            }
            out[k] = arr.get(k).asDouble();
        }
        return out;
    }
}
