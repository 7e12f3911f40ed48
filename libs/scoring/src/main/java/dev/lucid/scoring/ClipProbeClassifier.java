package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.TensorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Q16-style probe: the image embedding (from a CLIP image encoder on the backend) is compared with
 * fixed probe embeddings (e.g. learned "appropriate" / "inappropriate" prompts, loaded from a file);
 * the class probabilities are softmax(scale · cos). Contract in deploy/triton/README.md.
 */
public final class ClipProbeClassifier implements SafetyClassifier {
    private final KServeClient client;
    private final String id;
    private final String imageModel;
    private final List<String> labels;
    private final List<float[]> probes;
    private final List<String> unsafe;
    private final double scale;
    private volatile String fingerprint;

    public ClipProbeClassifier(KServeClient client, String id, String imageModel, List<String> labels,
                               List<float[]> probes, List<String> unsafe, double scale) {
        if (labels.size() != probes.size() || labels.size() < 2) {
            throw new IllegalArgumentException("need one probe embedding per label (at least two)");
        }
        this.client = client;
        this.id = id;
        this.imageModel = imageModel;
        this.labels = List.copyOf(labels);
        this.probes = List.copyOf(probes);
        this.unsafe = List.copyOf(unsafe);
        this.scale = scale;
    }

    /** softmax(scale · cos(image, probe_k)) over the probes. */
    public static double[] probabilities(float[] image, List<float[]> probes, double scale) {
        double[] logits = new double[probes.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logits.length; k++) {
            logits[k] = scale * ClipScore.cosine(image, probes.get(k));
            max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            logits[k] = Math.exp(logits[k] - max);
            sum += logits[k];
        }
        for (int k = 0; k < logits.length; k++) {
            logits[k] /= sum;
        }
        return logits;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            StringBuilder b = new StringBuilder(labels.toString()).append(scale);
            probes.forEach(p -> b.append(java.util.Arrays.toString(p)));
            fingerprint = Fingerprints.of(client, id, List.of(imageModel), b.toString());
        }
        return fingerprint;
    }

    @Override
    public List<String> classes() {
        return labels;
    }

    @Override
    public List<String> unsafeClasses() {
        return unsafe;
    }

    @Override
    public List<SafetyResult> score(List<RgbImage> images) {
        float[] emb = ImageTensors.infer(client, imageModel, images, "image_embeds").output("image_embeds").floats();
        int dim = emb.length / images.size();
        List<SafetyResult> out = new ArrayList<>();
        String fp = fingerprint();
        for (int i = 0; i < images.size(); i++) {
            double[] p = probabilities(java.util.Arrays.copyOfRange(emb, i * dim, (i + 1) * dim), probes, scale);
            Map<String, Double> scores = new LinkedHashMap<>();
            for (int k = 0; k < p.length; k++) {
                scores.put(labels.get(k), p[k]);
            }
            out.add(new SafetyResult(id, fp, scores, unsafe.stream().mapToDouble(scores::get).max().orElse(0)));
        }
        return out;
    }
}
