package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A classifier whose model returns one probability per image that the concept is present (the mini
 * world's {@code safety_classifier}: {@code image} FP32 [B,3,H,W] in [0,1] → {@code probability} [B,1]).
 */
public final class ProbabilityClassifier implements SafetyClassifier {
    private final KServeClient client;
    private final String id;
    private final String model;
    private final String concept;
    private volatile String fingerprint;

    public ProbabilityClassifier(KServeClient client, String id, String model, String concept) {
        this.client = client;
        this.id = id;
        this.model = model;
        this.concept = concept;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            fingerprint = Fingerprints.of(client, id, List.of(model), concept);
        }
        return fingerprint;
    }

    @Override
    public List<String> classes() {
        return List.of(concept);
    }

    @Override
    public List<String> unsafeClasses() {
        return List.of(concept);
    }

    @Override
    public List<SafetyResult> score(List<RgbImage> images) {
        float[] p = ImageTensors.infer(client, model, images, "probability").output("probability").floats();
        if (p.length != images.size()) {
            throw new IllegalStateException("model '" + model + "' returned " + p.length + " probabilities for "
                    + images.size() + " images");
        }
        List<SafetyResult> out = new ArrayList<>();
        String fp = fingerprint();
        for (float v : p) {
            out.add(new SafetyResult(id, fp, Map.of(concept, (double) v), v));
        }
        return out;
    }
}
