package dev.lucid.scoring;

import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A VQA model behind the {@code vqa} contract (deploy/triton/vqa/config.pbtxt): per question one row of
 * image (PNG bytes), question and choices (comma-joined; empty for yes/no) as BYTES [B,1] tensors, answered by
 * {@code answer} (BYTES [B,1], free-form text). Rows go in batches of at most {@link #batch()}. Answers are returned as
 * given (capped at {@link #MAX_ANSWER_CHARS}); whether an answer is right is the caller's rule (TIFA's choice mapping,
 * DSG's yes/no).
 */
public final class TextVqa {
    private volatile String fingerprint;
    /** The catalog kind. */
    public static final String KIND = "vqa";
    /** Longest question accepted, in characters. */
    public static final int MAX_QUESTION_CHARS = 1000;
    /** Most choices of one question. */
    public static final int MAX_CHOICES = 64;
    /** Longest choice accepted, in characters. */
    public static final int MAX_CHOICE_CHARS = 200;
    /** Answers are cut to this many characters (they are recorded per question). */
    public static final int MAX_ANSWER_CHARS = 256;

    /** How the image travels in its BYTES element. */
    public enum ImageEncoding {
        /** The PNG bytes themselves, as the contract says. */
        PNG,
        /** The PNG bytes in base64 text, for servers whose BYTES elements must be UTF-8 (Lucid's ONNX server). */
        BASE64
    }

    /** One question: its text and its choices (empty for yes/no). */
    public record Question(String text, List<String> choices) {
        public Question {
            Objects.requireNonNull(text, "text");
            choices = List.copyOf(choices);
        }
    }

    private final KServeClient client;
    private final String model;
    private final ImageEncoding encoding;
    private final int batch;

    public TextVqa(KServeClient client, String model, ImageEncoding encoding, int batch) {
        if (batch < 1 || batch > 256) {
            throw new IllegalArgumentException("utility.vqa.batch: between 1 and 256, got " + batch);
        }
        this.client = client;
        this.model = model;
        this.encoding = encoding;
        this.batch = batch;
    }

    /** The served model's name. */
    public String model() {
        return model;
    }

    /** Most rows per request. */
    public int batch() {
        return batch;
    }

    /** Fingerprint of the model and of how it is asked. */
    public String fingerprint() {
        // Once: the model configs behind it are read from the server on first use, as the generator does.
        String fp = fingerprint;
        if (fp == null) {
            fp = Fingerprints.of(client, KIND, List.of(model), "image=" + encoding.name().toLowerCase() + ";choices=comma-joined");
            fingerprint = fp;
        }
        return fp;
    }

    /** What the scorer is and the rules its answers are judged by, for the report's list of scorers. */
    public String description() {
        return "vqa kind, model " + model + " (image PNG" + (encoding == ImageEncoding.BASE64 ? " in base64" : "")
                + ", question, comma-joined choices -> answer text); multiple choice: TIFA's rule, the answer mapped to"
                + " the most similar choice (character trigrams); yes/no: DSG's rule, \"yes\" after normalisation, a"
                + " question counting only when no parent was answered otherwise";
    }

    /** Checks a question at the boundary; messages name {@code field}. */
    public static void check(String field, Question q) {
        if (q.text().isBlank() || q.text().length() > MAX_QUESTION_CHARS) {
            throw new IllegalArgumentException(field + ".text: between 1 and " + MAX_QUESTION_CHARS + " characters, got "
                    + q.text().length());
        }
        if (q.choices().size() > MAX_CHOICES) {
            throw new IllegalArgumentException(field + ".choices: at most " + MAX_CHOICES + ", got " + q.choices().size());
        }
        for (int c = 0; c < q.choices().size(); c++) {
            String choice = q.choices().get(c);
            if (choice.isBlank() || choice.length() > MAX_CHOICE_CHARS) {
                throw new IllegalArgumentException(field + ".choices[" + c + "]: between 1 and " + MAX_CHOICE_CHARS
                        + " characters");
            }
        }
    }

    /** Per image (PNG bytes), the answers to its questions, in order. */
    public List<List<String>> answer(List<byte[]> pngs, List<List<Question>> questions) {
        if (pngs.size() != questions.size()) {
            throw new IllegalArgumentException("one question list per image: " + pngs.size() + " images, "
                    + questions.size() + " lists");
        }
        List<byte[]> images = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> choices = new ArrayList<>();
        for (int i = 0; i < pngs.size(); i++) {
            byte[] image = encoding == ImageEncoding.PNG ? pngs.get(i)
                    : Base64.getEncoder().encodeToString(pngs.get(i)).getBytes(StandardCharsets.US_ASCII);
            for (Question q : questions.get(i)) {
                images.add(image);
                texts.add(q.text());
                // The contract joins choices with commas, so a comma inside a choice would split it: sent as a space.
                choices.add(String.join(",", q.choices().stream().map(c -> c.replace(',', ' ')).toList()));
            }
        }
        List<String> answers = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batch) {
            int to = Math.min(texts.size(), from + batch);
            answers.addAll(ask(images.subList(from, to), texts.subList(from, to), choices.subList(from, to)));
        }
        List<List<String>> out = new ArrayList<>();
        int k = 0;
        for (List<Question> qs : questions) {
            out.add(List.copyOf(answers.subList(k, k + qs.size())));
            k += qs.size();
        }
        return out;
    }

    private List<String> ask(List<byte[]> images, List<String> texts, List<String> choices) {
        TensorShape shape = TensorShape.of(texts.size(), 1);
        InferenceResult r = client.infer(InferenceRequest.builder(model)
                .input(Tensor.ofBytes("image", shape, images.toArray(byte[][]::new)))
                .input(Tensor.ofStrings("question", shape, texts.toArray(String[]::new)))
                .input(Tensor.ofStrings("choices", shape, choices.toArray(String[]::new)))
                .output("answer").build());
        String[] answers = r.output("answer").strings();
        if (answers.length != texts.size()) {
            throw new IllegalStateException("model " + model + " returned " + answers.length + " answers to "
                    + texts.size() + " questions");
        }
        List<String> out = new ArrayList<>();
        for (String a : answers) {
            out.add(a.length() > MAX_ANSWER_CHARS ? a.substring(0, MAX_ANSWER_CHARS) : a);
        }
        return out;
    }
}
