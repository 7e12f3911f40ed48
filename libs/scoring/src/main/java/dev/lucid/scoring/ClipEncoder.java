package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import dev.lucid.tokenizers.PromptTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A contrastive image/text encoder pair on the backend ({@code image} → {@code image_embeds},
 * {@code input_ids} → {@code text_embeds}). Gives CLIPScore and, from the image side, the feature
 * vectors for FID, KID and diversity. Images of another size than the image model's input are resized and
 * centre-cropped as CLIP's preprocessing does ({@link ClipImageResize}); images of its size go as they are.
 * Texts go through the catalog's tokenizer (for real CLIP its BPE vocabulary: start token, ids, end token,
 * padding to 77); the text model pools its own output (CLIP: the final hidden state at the end token, the
 * row's largest id, then the projection), so every contract here is one row of ids in, one embedding out.
 */
public final class ClipEncoder {
    private volatile String fingerprint;
    private final KServeClient client;
    private final String imageModel;
    private final String textModel;
    private final PromptTokenizer tokenizer;

    public ClipEncoder(KServeClient client, String imageModel, String textModel, PromptTokenizer tokenizer) {
        this.client = client;
        this.imageModel = imageModel;
        this.textModel = textModel;
        this.tokenizer = tokenizer;
    }

    /** Fingerprint of the pair. */
    public String fingerprint() {
        // Once: the model configs behind it are read from the server on first use, as the generator does.
        String fp = fingerprint;
        if (fp == null) {
            fp = Fingerprints.of(client, "clip", List.of(imageModel, textModel), tokenizer.fingerprint());
            fingerprint = fp;
        }
        return fp;
    }

    /** Image embeddings (not normalised), one per image. */
    public List<float[]> embedImages(List<RgbImage> images) {
        float[] emb = ImageTensors.inferClipResized(client, imageModel, images, "image_embeds").output("image_embeds").floats();
        return split(emb, images.size());
    }

    /** Text embeddings (not normalised), one per text. */
    public List<float[]> embedTexts(List<String> texts) {
        int len = tokenizer.contextLength();
        client.modelMetadata(textModel).input("input_ids").ifPresent(in -> {
            long declared = in.shape().rank() == 0 ? -1 : in.shape().dim(in.shape().rank() - 1);
            if (declared > 0 && declared != len) {
                throw new IllegalStateException("text model '" + textModel + "' takes " + declared
                        + " tokens per row, the catalog's tokenizer makes " + len);
            }
        });
        long[] ids = new long[texts.size() * len];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(tokenizer.modelInput(texts.get(i)), 0, ids, i * len, len);
        }
        float[] emb = client.infer(InferenceRequest.builder(textModel)
                .input(Tensor.ofLongs("input_ids", TensorShape.of(texts.size(), len), ids))
                .output("text_embeds").build()).output("text_embeds").floats();
        return split(emb, texts.size());
    }

    private static List<float[]> split(float[] flat, int n) {
        if (n == 0 || flat.length % n != 0) {
            throw new IllegalStateException("cannot split " + flat.length + " values into " + n + " embeddings");
        }
        int d = flat.length / n;
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d));
        }
        return out;
    }
}
