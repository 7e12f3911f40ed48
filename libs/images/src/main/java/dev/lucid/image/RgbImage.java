package dev.lucid.image;

import java.util.Arrays;

/** An 8-bit RGB image, pixels interleaved row-major (HWC). */
public final class RgbImage {
    /** Largest side accepted anywhere in Lucid (bounds memory per image). */
    public static final int MAX_SIDE = 4096;

    private final int width;
    private final int height;
    private final byte[] rgb;

    /** Wraps HWC bytes (copied). */
    public RgbImage(int width, int height, byte[] rgb) {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " outside 1.." + MAX_SIDE);
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("image " + width + "x" + height + " needs " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb.clone();
    }

    /**
     * From planar floats in [0, 1] (CHW, as image models produce them), rounded to the nearest 8-bit
     * value; values outside [0, 1] are clipped.
     */
    public static RgbImage fromChw(float[] chw, int width, int height) {
        int plane = width * height;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException("CHW data needs " + 3 * plane + " values, got " + chw.length);
        }
        byte[] out = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = chw[c * plane + p];
                int q = Math.round(Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)) * 255f);
                out[3 * p + c] = (byte) q;
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Planar floats in [0, 1] (CHW), the input layout of the image models. */
    public float[] toChw() {
        int plane = width * height;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = (rgb[3 * p + c] & 0xff) / 255f;
            }
        }
        return out;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the HWC bytes. */
    public byte[] rgb() {
        return rgb.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage i && i.width == width && i.height == height && Arrays.equals(i.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rgb) * 31 + width;
    }
}
