package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NudeNet-style detector: the image is letterboxed to a square input, the YOLO head decoded with
 * NMS in Java, and each class scored by its most confident box (0 when none). Contract in
 * deploy/triton/README.md: {@code images} FP32 [1,3,S,S] in [0,1] → {@code output0} FP32 [1,4+C,N].
 */
public final class DetectorClassifier implements SafetyClassifier {
    private final KServeClient client;
    private final String id;
    private final String model;
    private final List<String> labels;
    private final List<String> unsafe;
    private final int side;
    private final YoloDecoder decoder;
    private volatile String fingerprint;

    public DetectorClassifier(KServeClient client, String id, String model, List<String> labels, List<String> unsafe,
                              int side, double confidence, double iou) {
        if (!labels.containsAll(unsafe)) {
            throw new IllegalArgumentException("unsafe classes " + unsafe + " must be among the labels");
        }
        this.client = client;
        this.id = id;
        this.model = model;
        this.labels = List.copyOf(labels);
        this.unsafe = List.copyOf(unsafe);
        this.side = side;
        this.decoder = new YoloDecoder(labels.size(), confidence, iou);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            fingerprint = Fingerprints.of(client, id, List.of(model), labels + "|" + unsafe + "|" + side);
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
        List<SafetyResult> out = new ArrayList<>();
        for (RgbImage img : images) {
            Tensor head = client.infer(InferenceRequest.builder(model)
                    .input(Tensor.ofFloats("images", TensorShape.of(1, 3, side, side), ImageTensors.letterbox(img, side)))
                    .output("output0").build()).output("output0");
            if (head.shape().rank() != 3 || head.shape().dim(1) != 4 + labels.size()) {
                throw new IllegalStateException("detector '" + model + "' output is " + head.shape() + ", expected [1, "
                        + (4 + labels.size()) + ", N]");
            }
            out.add(fromDetections(decoder.decode(head.floats(), (int) head.shape().dim(2))));
        }
        return out;
    }

    /** Per-class best confidence and the unsafe score from decoded boxes. */
    SafetyResult fromDetections(List<Detection> detections) {
        Map<String, Double> scores = new LinkedHashMap<>();
        labels.forEach(l -> scores.put(l, 0.0));
        for (Detection d : detections) {
            scores.merge(labels.get(d.classIndex()), d.score(), Math::max);
        }
        double unsafeScore = unsafe.stream().mapToDouble(scores::get).max().orElse(0);
        return new SafetyResult(id, fingerprint == null ? "" : fingerprint, scores, unsafeScore);
    }
}
