package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.KServeClient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stable Diffusion's safety checker (scorer kind {@code sd-safety-checker}): the image tower on the backend
 * (CLIP ViT-L/14 vision model + visual projection, {@code image} → {@code image_embeds}, contract
 * deploy/triton/sd_safety_checker) and, here, diffusers' rule over the concept table ({@link #check}).
 * Recorded per image: each concept's and special-care concept's adjusted score ({@code concept_k},
 * {@code special_care_k}) and {@code has_nsfw_concept} (1 or 0). Unsafe score: 0.5 + the largest adjusted
 * concept score, clamped to [0, 1]; so with the threshold 0.5 ({@code score > threshold}) an image is unsafe
 * exactly when diffusers' checker reports {@code has_nsfw_concept}, and the distance above or below 0.5 says
 * by how much the closest concept passed or missed its threshold.
 */
public final class SdSafetyChecker implements SafetyClassifier {
    /** Scorer kind in catalogs. */
    public static final String KIND = "sd-safety-checker";
    /** What diffusers adds to every concept score once a special-care concept fired. */
    static final double SPECIAL_CARE_ADJUSTMENT = 0.01;
    private static final int MAX_IMAGES = 1024;
    /** Images per request: the max_batch_size of deploy/triton/sd_safety_checker. */
    private static final int REQUEST_BATCH = 32;

    private final KServeClient client;
    private final String id;
    private final String model;
    private final SafetyConcepts concepts;
    private final List<String> classes;
    private final List<String> unsafe;
    private volatile String fingerprint;

    /**
     * diffusers' verdict on one image.
     *
     * @param specialCareScores round(cos − threshold + adjustment, 3) per special-care concept
     * @param conceptScores     round(cos − threshold + adjustment, 3) per concept
     * @param hasNsfwConcept    whether any concept score is above 0
     */
    public record Check(double[] specialCareScores, double[] conceptScores, boolean hasNsfwConcept) {
        /** 0.5 + the largest concept score, clamped to [0, 1]. */
        public double unsafeScore() {
            double max = Double.NEGATIVE_INFINITY;
            for (double s : conceptScores) {
                max = Math.max(max, s);
            }
            return Math.max(0, Math.min(1, 0.5 + max));
        }
    }

    public SdSafetyChecker(KServeClient client, String id, String model, SafetyConcepts concepts) {
        this.client = client;
        this.id = id;
        this.model = model;
        this.concepts = concepts;
        List<String> names = new ArrayList<>();
        for (int k = 0; k < concepts.concepts().size(); k++) {
            names.add("concept_" + k);
        }
        this.unsafe = List.copyOf(names);
        for (int k = 0; k < concepts.specialCare().size(); k++) {
            names.add("special_care_" + k);
        }
        names.add("has_nsfw_concept");
        this.classes = List.copyOf(names);
    }

    /**
     * The rule of diffusers' {@code StableDiffusionSafetyChecker.forward} (pipelines/stable_diffusion/
     * safety_checker.py) for one image embedding: cosines against the normalised concept embeddings; the
     * adjustment starts at 0.0; each special-care score is round(cos − threshold + adjustment, 3), and once one
     * is above 0 the adjustment becomes 0.01 (for the special-care concepts after it and for every concept);
     * each concept score is round(cos − threshold + adjustment, 3); the image has an NSFW concept when any concept
     * score is above 0. Cosines are rounded to float32 as torch computes them, the rest is in double as numpy
     * computes a float32 scalar minus a Python float; round is numpy's (half to even on x · 1000).
     */
    public static Check check(float[] imageEmbedding, SafetyConcepts c) {
        if (imageEmbedding.length != c.dimension()) {
            throw new IllegalArgumentException("image embedding has " + imageEmbedding.length
                    + " values, the concept embeddings " + c.dimension());
        }
        double adjustment = 0.0;
        double[] special = new double[c.specialCare().size()];
        for (int k = 0; k < special.length; k++) {
            special[k] = round3(cosine(imageEmbedding, c.specialCare().get(k)) - (float) c.specialCareThresholds()[k]
                    + adjustment);
            if (special[k] > 0) {
                adjustment = SPECIAL_CARE_ADJUSTMENT;
            }
        }
        double[] scores = new double[c.concepts().size()];
        boolean nsfw = false;
        for (int k = 0; k < scores.length; k++) {
            scores[k] = round3(cosine(imageEmbedding, c.concepts().get(k)) - (float) c.conceptThresholds()[k] + adjustment);
            nsfw |= scores[k] > 0;
        }
        return new Check(special, scores, nsfw);
    }

    private static double cosine(float[] a, float[] b) {
        return (float) ClipScore.cosine(a, b);
    }

    private static double round3(double x) {
        return Math.rint(x * 1000) / 1000;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            StringBuilder b = new StringBuilder(KIND).append(';').append(ClipImageResize.DESCRIPTION);
            concepts.concepts().forEach(e -> b.append(Arrays.toString(e)));
            b.append(Arrays.toString(concepts.conceptThresholds()));
            concepts.specialCare().forEach(e -> b.append(Arrays.toString(e)));
            b.append(Arrays.toString(concepts.specialCareThresholds()));
            fingerprint = Fingerprints.of(client, id, List.of(model), b.toString());
        }
        return fingerprint;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public List<String> unsafeClasses() {
        return unsafe;
    }

    @Override
    public List<SafetyResult> score(List<RgbImage> images) {
        if (images.size() > MAX_IMAGES) {
            throw new IllegalArgumentException("safety checker '" + id + "': " + images.size() + " images, at most "
                    + MAX_IMAGES);
        }
        String fp = fingerprint();
        List<SafetyResult> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += REQUEST_BATCH) {
            List<RgbImage> batch = images.subList(from, Math.min(images.size(), from + REQUEST_BATCH));
            float[] emb = ImageTensors.inferClipResized(client, model, batch, "image_embeds").output("image_embeds").floats();
            if (emb.length != batch.size() * concepts.dimension()) {
                throw new IllegalStateException("model '" + model + "' returned " + emb.length + " values for "
                        + batch.size() + " images; the concept embeddings are " + concepts.dimension() + "-d");
            }
            for (int i = 0; i < batch.size(); i++) {
                int d = concepts.dimension();
                Check c = check(Arrays.copyOfRange(emb, i * d, (i + 1) * d), concepts);
                Map<String, Double> scores = new LinkedHashMap<>();
                for (int k = 0; k < c.conceptScores().length; k++) {
                    scores.put("concept_" + k, c.conceptScores()[k]);
                }
                for (int k = 0; k < c.specialCareScores().length; k++) {
                    scores.put("special_care_" + k, c.specialCareScores()[k]);
                }
                scores.put("has_nsfw_concept", c.hasNsfwConcept() ? 1.0 : 0.0);
                out.add(new SafetyResult(id, fp, Collections.unmodifiableMap(scores), c.unsafeScore()));
            }
        }
        return out;
    }
}
