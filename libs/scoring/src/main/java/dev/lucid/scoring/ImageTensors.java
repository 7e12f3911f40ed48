package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;

import java.util.List;

/** Batches of images as the FP32 NCHW [0, 1] tensors image models take. */
final class ImageTensors {
    private ImageTensors() {
    }

    /**
     * Runs an image model on a batch: images stacked as its {@code image} input at the size its
     * metadata declares, with the given outputs requested.
     */
    static dev.lucid.kserve.InferenceResult infer(dev.lucid.kserve.KServeClient client, String model, List<RgbImage> images,
                                                 String... outputs) {
        dev.lucid.kserve.TensorSpec in = client.modelMetadata(model).input("image").orElseThrow(() ->
                new IllegalStateException("model '" + model + "' has no input 'image'"));
        dev.lucid.kserve.InferenceRequest.Builder b = dev.lucid.kserve.InferenceRequest.builder(model)
                .input(nchw("image", images, (int) in.shape().dim(3), (int) in.shape().dim(2)));
        for (String o : outputs) {
            b.output(o);
        }
        return client.infer(b.build());
    }

    /**
     * Runs a CLIP-style image model on a batch: images of the model's declared size go as they are; others are
     * first resized and centre-cropped as CLIP's preprocessing does ({@link ClipImageResize}), which needs a
     * square input.
     */
    static dev.lucid.kserve.InferenceResult inferClipResized(dev.lucid.kserve.KServeClient client, String model,
                                                            List<RgbImage> images, String... outputs) {
        dev.lucid.kserve.TensorSpec in = client.modelMetadata(model).input("image").orElseThrow(() ->
                new IllegalStateException("model '" + model + "' has no input 'image'"));
        if (in.shape().rank() != 4 || in.shape().dim(1) != 3 || in.shape().dim(2) < 1 || in.shape().dim(3) < 1) {
            throw new IllegalStateException("model '" + model + "' input 'image' is " + in.shape()
                    + ", expected [B, 3, H, W] with a fixed size");
        }
        int height = (int) in.shape().dim(2);
        int width = (int) in.shape().dim(3);
        List<RgbImage> sized = new java.util.ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            if (img.width() == width && img.height() == height) {
                sized.add(img);
            } else if (width == height) {
                sized.add(ClipImageResize.resizeAndCrop(img, width));
            } else {
                throw new IllegalArgumentException("image " + i + " is " + img.width() + "x" + img.height()
                        + ", the model takes " + width + "x" + height + " (only square inputs are resized)");
            }
        }
        dev.lucid.kserve.InferenceRequest.Builder b = dev.lucid.kserve.InferenceRequest.builder(model)
                .input(nchw("image", sized, width, height));
        for (String o : outputs) {
            b.output(o);
        }
        return client.infer(b.build());
    }

    /** Stacks images of one size into [B, 3, H, W]; a different size is refused with the expected one. */
    static Tensor nchw(String name, List<RgbImage> images, int width, int height) {
        int plane = 3 * width * height;
        float[] data = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            if (img.width() != width || img.height() != height) {
                throw new IllegalArgumentException("image " + i + " is " + img.width() + "x" + img.height()
                        + ", the model takes " + width + "x" + height);
            }
            System.arraycopy(img.toChw(), 0, data, i * plane, plane);
        }
        return Tensor.ofFloats(name, TensorShape.of(images.size(), 3, height, width), data);
    }

    /**
     * Letterboxes an image into a square: scaled (bilinear) to fit {@code side} keeping its aspect,
     * placed top-left, the rest black; returns CHW floats in [0, 1] and the scale used.
     */
    static float[] letterbox(RgbImage img, int side) {
        double scale = Math.min((double) side / img.width(), (double) side / img.height());
        int w = Math.max(1, (int) Math.round(img.width() * scale));
        int h = Math.max(1, (int) Math.round(img.height() * scale));
        float[] out = new float[3 * side * side];
        bilinear(img, scale, scale, w, h, side, side, out);
        return out;
    }

    /**
     * An image resized to {@code width} x {@code height} (bilinear, half-pixel centres, no antialiasing: what
     * {@code torch.nn.functional.interpolate(mode="bilinear", align_corners=False)} does), CHW floats in [0, 1].
     */
    static float[] resized(RgbImage img, int width, int height) {
        float[] out = new float[3 * width * height];
        bilinear(img, (double) width / img.width(), (double) height / img.height(), width, height, width, height, out);
        return out;
    }

    /** Samples the image into the top-left {@code w} x {@code h} of a CHW canvas {@code stride} x {@code canvasHeight}. */
    private static void bilinear(RgbImage img, double scaleX, double scaleY, int w, int h, int stride, int canvasHeight,
                                 float[] out) {
        byte[] rgb = img.rgb();
        int plane = stride * canvasHeight;
        for (int y = 0; y < h; y++) {
            double sy = Math.min(img.height() - 1.0, Math.max(0, (y + 0.5) / scaleY - 0.5));
            int y0 = (int) sy;
            int y1 = Math.min(img.height() - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = Math.min(img.width() - 1.0, Math.max(0, (x + 0.5) / scaleX - 0.5));
                int x0 = (int) sx;
                int x1 = Math.min(img.width() - 1, x0 + 1);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    double v00 = rgb[3 * (y0 * img.width() + x0) + c] & 0xff;
                    double v01 = rgb[3 * (y0 * img.width() + x1) + c] & 0xff;
                    double v10 = rgb[3 * (y1 * img.width() + x0) + c] & 0xff;
                    double v11 = rgb[3 * (y1 * img.width() + x1) + c] & 0xff;
                    double v = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy;
                    out[c * plane + y * stride + x] = (float) (v / 255.0);
                }
            }
        }
    }
}
