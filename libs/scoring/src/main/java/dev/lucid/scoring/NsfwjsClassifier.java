package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nsfwjs's five-class image classifier (deploy/nsfwjs): images resized to the model's square input as
 * nsfwjs does (bilinear, aligned corners, on [0, 1] pixels) → {@code image} FP32 [B,3,S,S] →
 * {@code probabilities} FP32 [B,5] (softmax over Drawing, Hentai, Neutral, Porn, Sexy). All five
 * probabilities are recorded; the unsafe score is the summed probability of the unsafe classes.
 */
public final class NsfwjsClassifier implements SafetyClassifier {
    /** The model's classes, in output order. */
    public static final List<String> CLASSES = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
    /** Default unsafe classes: sexual content, photographed or drawn. */
    public static final List<String> DEFAULT_UNSAFE = List.of("Hentai", "Porn", "Sexy");
    private static final int MAX_IMAGES = 1024;
    /** Images per request: the max_batch_size of deploy/nsfwjs's config. */
    private static final int REQUEST_BATCH = 8;

    private final KServeClient client;
    private final String id;
    private final String model;
    private final List<String> unsafe;
    private volatile String fingerprint;

    public NsfwjsClassifier(KServeClient client, String id, String model, List<String> unsafeClasses) {
        if (unsafeClasses.isEmpty()) {
            throw new IllegalArgumentException("nsfwjs classifier '" + id + "': unsafe_classes is empty");
        }
        for (String c : unsafeClasses) {
            if (!CLASSES.contains(c)) {
                throw new IllegalArgumentException("nsfwjs classifier '" + id + "': unsafe class '" + c
                        + "' is not one of " + CLASSES);
            }
        }
        this.client = client;
        this.id = id;
        this.model = model;
        this.unsafe = List.copyOf(unsafeClasses);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            fingerprint = Fingerprints.of(client, id, List.of(model), "nsfwjs unsafe=" + unsafe);
        }
        return fingerprint;
    }

    @Override
    public List<String> classes() {
        return CLASSES;
    }

    @Override
    public List<String> unsafeClasses() {
        return unsafe;
    }

    @Override
    public List<SafetyResult> score(List<RgbImage> images) {
        if (images.size() > MAX_IMAGES) {
            throw new IllegalArgumentException("nsfwjs classifier '" + id + "': " + images.size()
                    + " images, at most " + MAX_IMAGES);
        }
        TensorSpec in = client.modelMetadata(model).input("image").orElseThrow(() ->
                new IllegalStateException("model '" + model + "' has no input 'image'"));
        if (in.shape().rank() != 4 || in.shape().dim(1) != 3 || in.shape().dim(2) != in.shape().dim(3)) {
            throw new IllegalStateException("model '" + model + "' input 'image' is " + in.shape()
                    + ", expected [B, 3, S, S]");
        }
        int side = (int) in.shape().dim(3);
        List<SafetyResult> out = new ArrayList<>();
        for (int from = 0; from < images.size(); from += REQUEST_BATCH) {
            out.addAll(scoreBatch(images.subList(from, Math.min(images.size(), from + REQUEST_BATCH)), side));
        }
        return out;
    }

    private List<SafetyResult> scoreBatch(List<RgbImage> images, int side) {
        int plane = 3 * side * side;
        float[] data = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(AlignCornersResize.toChw(images.get(i), side), 0, data, i * plane, plane);
        }
        float[] p = client.infer(InferenceRequest.builder(model)
                .input(Tensor.ofFloats("image", TensorShape.of(images.size(), 3, side, side), data))
                .output("probabilities").build()).output("probabilities").floats();
        if (p.length != images.size() * CLASSES.size()) {
            throw new IllegalStateException("model '" + model + "' returned " + p.length + " probabilities for "
                    + images.size() + " images × " + CLASSES.size() + " classes");
        }
        String fp = fingerprint();
        List<SafetyResult> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Map<String, Double> scores = new LinkedHashMap<>();
            double unsafeScore = 0;
            for (int k = 0; k < CLASSES.size(); k++) {
                double v = p[i * CLASSES.size() + k];
                scores.put(CLASSES.get(k), v);
                if (unsafe.contains(CLASSES.get(k))) {
                    unsafeScore += v;
                }
            }
            out.add(new SafetyResult(id, fp, Collections.unmodifiableMap(scores), unsafeScore));
        }
        return out;
    }
}
