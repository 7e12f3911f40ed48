package dev.lucid.scoring;

import dev.lucid.image.RgbImage;

/**
 * Bilinear resizing with aligned corners as tfjs's CPU kernel computes it ({@code tf.image.resizeBilinear(x,
 * size, true)} on pixels already divided by 255): corner pixels map onto corner pixels, the source position
 * of output row r is r·(inH−1)/(outH−1), interpolation in double, each result stored as float.
 */
final class AlignCornersResize {
    private AlignCornersResize() {
    }

    /** The image as CHW floats in [0, 1] at {@code side}×{@code side}; an image already that size is only scaled. */
    static float[] toChw(RgbImage img, int side) {
        if (side < 2 || side > RgbImage.MAX_SIDE) {
            throw new IllegalArgumentException("resize side " + side + " is outside [2, " + RgbImage.MAX_SIDE + "]");
        }
        int w = img.width();
        int h = img.height();
        byte[] rgb = img.rgb();
        // tfjs divides int pixels by 255 into a float32 tensor before resizing.
        float[] px = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            px[i] = (float) ((rgb[i] & 0xff) / 255.0);
        }
        float[] out = new float[3 * side * side];
        int plane = side * side;
        if (w == side && h == side) {
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    out[c * plane + i] = px[3 * i + c];
                }
            }
            return out;
        }
        double rowRatio = (h - 1) / (double) (side - 1);
        double colRatio = (w - 1) / (double) (side - 1);
        for (int r = 0; r < side; r++) {
            double srcRow = rowRatio * r;
            int top = (int) Math.floor(srcRow);
            double rowFrac = srcRow - top;
            int bottom = Math.min(h - 1, (int) Math.ceil(srcRow));
            for (int col = 0; col < side; col++) {
                double srcCol = colRatio * col;
                int left = (int) Math.floor(srcCol);
                double colFrac = srcCol - left;
                int right = Math.min(w - 1, (int) Math.ceil(srcCol));
                for (int c = 0; c < 3; c++) {
                    double tl = px[3 * (top * w + left) + c];
                    double tr = px[3 * (top * w + right) + c];
                    double bl = px[3 * (bottom * w + left) + c];
                    double br = px[3 * (bottom * w + right) + c];
                    double t = tl + (tr - tl) * colFrac;
                    double b = bl + (br - bl) * colFrac;
                    out[c * plane + r * side + col] = (float) (t + (b - t) * rowFrac);
                }
            }
        }
        return out;
    }
}
