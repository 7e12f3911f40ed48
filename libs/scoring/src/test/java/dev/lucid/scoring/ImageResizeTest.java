package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resize in front of Inception: bilinear with half-pixel centres and no antialiasing, the sampling of
 * torch.nn.functional.interpolate(mode="bilinear", align_corners=False) that pytorch-fid uses.
 */
class ImageResizeTest {
    /** A one-row image whose red channel holds the given values (green and blue 0). */
    static RgbImage row(int... red) {
        byte[] rgb = new byte[3 * red.length];
        for (int i = 0; i < red.length; i++) {
            rgb[3 * i] = (byte) red[i];
        }
        return new RgbImage(red.length, 1, rgb);
    }

    static float[] redPlane(float[] chw, int n) {
        float[] r = new float[n];
        System.arraycopy(chw, 0, r, 0, n);
        return r;
    }

    @Test
    void upscalingSamplesAtHalfPixelCentresAndClampsTheBorders() {
        // Output x samples source (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[] out = ImageTensors.resized(row(0, 255), 4, 1);
        assertArrayEquals(new float[]{0f, 0.25f, 0.75f, 1f}, redPlane(out, 4), 1e-6f);
        assertEquals(0f, out[4], 0f, "green plane follows the red one");
    }

    @Test
    void downscalingAveragesNeighboursWithoutAntialiasing() {
        // Output x samples source 2x + 0.5: the mean of pixels 2x and 2x + 1; pixels further away do not count.
        float[] out = ImageTensors.resized(row(0, 100, 200, 250), 2, 1);
        assertArrayEquals(new float[]{50 / 255f, 225 / 255f}, redPlane(out, 2), 1e-6f);
    }

    @Test
    void rowsAndColumnsScaleIndependently() {
        // A 2x1 image to 1x3: x samples 0.5 (the mean), every row samples the one source row.
        float[] out = ImageTensors.resized(row(10, 30), 1, 3);
        assertArrayEquals(new float[]{20 / 255f, 20 / 255f, 20 / 255f}, redPlane(out, 3), 1e-6f);
        assertEquals(9, out.length);
    }
}
