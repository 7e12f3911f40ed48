package dev.lucid.scoring;

import dev.lucid.image.RgbImage;

/**
 * CLIP's image preprocessing up to the tensor: the shortest side resized to the model's side with PIL's bicubic
 * filter ({@code Image.resize(..., BICUBIC)}: cubic convolution a = -0.5, support widened by the scale when
 * shrinking, i.e. antialiased; horizontal pass then vertical, each rounded to 8 bits in PIL's fixed point), then
 * a centre crop to a square — torchvision's {@code Resize(side, BICUBIC)} + {@code CenterCrop(side)} on a PIL
 * image, as openai's {@code clip.load} preprocess and transformers' {@code CLIPImageProcessor} do. The mean/std
 * normalisation is not here: it belongs to the model (deploy/triton/clip_vit_l14_image/config.pbtxt).
 */
final class ClipImageResize {
    /** Part of the fingerprints of the scorers that use it: a change here is a new scorer. */
    static final String DESCRIPTION = "resize-shortest-side=model-input,pil-bicubic;center-crop";
    /** PIL's fixed-point precision for 8-bit images. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private ClipImageResize() {
    }

    /** The image resized (shortest side to {@code side}) and centre-cropped to {@code side} x {@code side}. */
    static RgbImage resizeAndCrop(RgbImage img, int side) {
        if (side < 1 || side > RgbImage.MAX_SIDE) {
            throw new IllegalArgumentException("resize side " + side + " is outside [1, " + RgbImage.MAX_SIDE + "]");
        }
        int w = img.width();
        int h = img.height();
        // torchvision's Resize(int): the short side becomes `side`, the long one int(side * long / short).
        int outW = w <= h ? side : (int) ((long) side * w / h);
        int outH = w <= h ? (int) ((long) side * h / w) : side;
        RgbImage resized = resize(img, outW, outH);
        // torchvision's CenterCrop: offsets int(round((size - side) / 2)), Python's round (half to even).
        int left = (int) Math.rint((outW - side) / 2.0);
        int top = (int) Math.rint((outH - side) / 2.0);
        if (left == 0 && top == 0 && outW == side && outH == side) {
            return resized;
        }
        byte[] src = resized.rgb();
        byte[] out = new byte[3 * side * side];
        for (int y = 0; y < side; y++) {
            System.arraycopy(src, 3 * ((top + y) * outW + left), out, 3 * y * side, 3 * side);
        }
        return new RgbImage(side, side, out);
    }

    /** PIL's {@code Image.resize((outW, outH), BICUBIC)} of an RGB image; an image already that size is returned. */
    static RgbImage resize(RgbImage img, int outW, int outH) {
        RgbImage out = img;
        if (outW != img.width()) {
            out = pass(out, outW, true);
        }
        if (outH != img.height()) {
            out = pass(out, outH, false);
        }
        return out;
    }

    /** One separable pass (PIL's ImagingResampleHorizontal_8bpc / Vertical_8bpc). */
    private static RgbImage pass(RgbImage in, int outSize, boolean horizontal) {
        int inSize = horizontal ? in.width() : in.height();
        int across = horizontal ? in.height() : in.width();
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[2 * outSize];
        int[] coeffs = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = cubic((x + xmin - center + 0.5) / filterScale);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? k[x] / ww : k[x];
                coeffs[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        int width = horizontal ? outSize : in.width();
        int height = horizontal ? in.height() : outSize;
        byte[] src = in.rgb();
        byte[] dst = new byte[3 * width * height];
        for (int a = 0; a < across; a++) {
            for (int xx = 0; xx < outSize; xx++) {
                int xmin = bounds[2 * xx];
                int xmax = bounds[2 * xx + 1];
                for (int c = 0; c < 3; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) {
                        int pixel = horizontal ? a * in.width() + x + xmin : (x + xmin) * in.width() + a;
                        ss += (src[3 * pixel + c] & 0xff) * coeffs[xx * ksize + x];
                    }
                    int target = horizontal ? a * width + xx : xx * width + a;
                    dst[3 * target + c] = (byte) clip8(ss);
                }
            }
        }
        return new RgbImage(width, height, dst);
    }

    /** PIL's clip8: the fixed-point sum shifted down, clamped to [0, 255]. */
    private static int clip8(int ss) {
        return Math.max(0, Math.min(255, ss >> PRECISION_BITS));
    }

    /** PIL's bicubic_filter (Keys' cubic convolution, a = -0.5). */
    static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }
}
