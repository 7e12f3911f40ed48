package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inception-v3 pool3 features for FID/KID, fed as pytorch-fid feeds its network: each image (any size) is resized
 * here to the model's declared input (299 x 299 for Inception; bilinear, half-pixel centres, no antialiasing, as
 * {@code F.interpolate(..., mode="bilinear", align_corners=False)}) and scaled from [0, 1] to [-1, 1]; the model
 * ({@code image} FP32 [B,3,299,299] → {@code features} FP32 [B,2048]) does no preprocessing of its own
 * (deploy/triton/inception_features/config.pbtxt).
 */
public final class InceptionFeatures {
    /** Scorer id recorded with the features. */
    public static final String ID = "inception";
    /** Length of a pool3 feature vector. */
    public static final int DIMENSION = 2048;
    /** What this class does before the model; part of the fingerprint, so a change here is a new scorer. */
    static final String PREPROCESSING = "resize=model-input,bilinear,align_corners=false,no-antialias;scale=2x-1";

    private final KServeClient client;
    private final String model;
    private volatile String fingerprint;

    public InceptionFeatures(KServeClient client, String model) {
        this.client = client;
        this.model = model;
    }

    /** Fingerprint of the model's backend config and this preprocessing. */
    public String fingerprint() {
        if (fingerprint == null) {
            fingerprint = Fingerprints.of(client, ID, List.of(model), PREPROCESSING);
        }
        return fingerprint;
    }

    /** One 2048-d feature vector per image. */
    public List<float[]> features(List<RgbImage> images) {
        TensorSpec in = client.modelMetadata(model).input("image").orElseThrow(() ->
                new IllegalStateException("model '" + model + "' has no input 'image'"));
        int height = (int) in.shape().dim(2);
        int width = (int) in.shape().dim(3);
        if (width < 1 || height < 1) {
            throw new IllegalStateException("model '" + model + "' must declare a fixed input size, got " + in.shape());
        }
        int plane = 3 * width * height;
        float[] data = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            float[] chw = ImageTensors.resized(images.get(i), width, height);
            for (int k = 0; k < plane; k++) {
                data[i * plane + k] = 2 * chw[k] - 1;
            }
        }
        float[] flat = client.infer(InferenceRequest.builder(model)
                .input(Tensor.ofFloats("image", TensorShape.of(images.size(), 3, height, width), data))
                .output("features").build()).output("features").floats();
        if (flat.length != images.size() * DIMENSION) {
            throw new IllegalStateException("model '" + model + "' returned " + flat.length + " values for "
                    + images.size() + " images; the inception_features contract is " + DIMENSION + " per image");
        }
        List<float[]> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            out.add(Arrays.copyOfRange(flat, i * DIMENSION, (i + 1) * DIMENSION));
        }
        return out;
    }
}
