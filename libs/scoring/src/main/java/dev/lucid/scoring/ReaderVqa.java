package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.TensorSpec;
import dev.lucid.miniworld.QuestionOp;
import dev.lucid.miniworld.ReaderAnswers;
import dev.lucid.miniworld.SceneObject;

import java.util.ArrayList;
import java.util.List;

/**
 * TIFA-style answers from the mini world's reader: the model reads each image into per-slot
 * shape/colour/size logits, and {@link ReaderAnswers} answers each question's op on that scene.
 */
public final class ReaderVqa {
    private volatile String fingerprint;
    private final KServeClient client;
    private final String model;
    private final ReaderAnswers answers;

    public ReaderVqa(KServeClient client, String model, ReaderAnswers answers) {
        this.client = client;
        this.model = model;
        this.answers = answers;
    }

    /** Fingerprint of the reader. */
    public String fingerprint() {
        // Once: the model configs behind it are read from the server on first use, as the generator does.
        String fp = fingerprint;
        if (fp == null) {
            fp = Fingerprints.of(client, "reader", List.of(model), "");
            fingerprint = fp;
        }
        return fp;
    }

    /** The scene the reader sees in each image. */
    public List<List<SceneObject>> read(List<RgbImage> images) {
        InferenceResult r = ImageTensors.infer(client, model, images);
        float[] shapes = r.output("shape_logits").floats();
        float[] colors = r.output("color_logits").floats();
        float[] sizes = r.output("size_logits").floats();
        int n = images.size();
        List<List<SceneObject>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(answers.scene(slice(shapes, i, n), slice(colors, i, n), slice(sizes, i, n)));
        }
        return out;
    }

    /** Answers for each image's questions. */
    public List<List<String>> answer(List<RgbImage> images, List<List<QuestionOp>> questions) {
        List<List<SceneObject>> scenes = read(images);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<String> a = new ArrayList<>();
            for (QuestionOp q : questions.get(i)) {
                a.add(answers.answer(scenes.get(i), q));
            }
            out.add(a);
        }
        return out;
    }

    private static float[] slice(float[] all, int i, int n) {
        int per = all.length / n;
        return java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
    }
}
