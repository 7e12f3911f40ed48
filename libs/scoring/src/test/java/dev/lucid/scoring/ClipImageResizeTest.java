package dev.lucid.scoring;

import dev.lucid.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** CLIP's preprocessing before the tensor: PIL's antialiased bicubic resize of the short side, then a centre crop. */
class ClipImageResizeTest {
    static int[] red(RgbImage img) {
        int[] r = new int[img.width() * img.height()];
        for (int i = 0; i < r.length; i++) {
            r[i] = img.rgb()[3 * i] & 0xff;
        }
        return r;
    }

    @Test
    void cubicFilterIsKeysWithAMinusHalf() {
        assertEquals(1.0, ClipImageResize.cubic(0), 0);
        assertEquals(0.8671875, ClipImageResize.cubic(0.25), 1e-15);
        assertEquals(0.2265625, ClipImageResize.cubic(-0.75), 1e-15);
        assertEquals(-0.0703125, ClipImageResize.cubic(1.25), 1e-15);
        assertEquals(0.0, ClipImageResize.cubic(2.0), 0);
    }

    @Test
    void halvingWidensTheFilterAsPilDoes() {
        // 4 -> 2: scale 2, support 4. Output 0 centres at 1.0 and weighs pixels 0..3 with cubic((x - 0.5) / 2):
        // 0.8671875, 0.8671875, 0.2265625, -0.0703125 (sum 1.890625), so 0·.45868 + 100·.45868 + 200·.11983
        // + 250·(-.03719) = 60.54 -> 61; output 1 is the mirror: 0·(-.03719) + 100·.11983 + 200·.45868 + 250·.45868
        // = 218.39 -> 218.
        assertArrayEquals(new int[]{61, 218}, red(ClipImageResize.resize(ImageResizeTest.row(0, 100, 200, 250), 2, 1)));
    }

    @Test
    void aConstantImageStaysConstantThroughResizeAndCrop() {
        byte[] rgb = new byte[3 * 64 * 48];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = 10;
            rgb[i + 1] = (byte) 128;
            rgb[i + 2] = (byte) 250;
        }
        RgbImage out = ClipImageResize.resizeAndCrop(new RgbImage(64, 48, rgb), 32);
        assertEquals(32, out.width());
        assertEquals(32, out.height());
        for (int i = 0; i < out.rgb().length; i += 3) {
            assertEquals(10, out.rgb()[i]);
            assertEquals(128, out.rgb()[i + 1] & 0xff);
            assertEquals(250, out.rgb()[i + 2] & 0xff);
        }
    }

    @Test
    void theShortSideIsResizedAndTheLongOneCroppedAtTheCentre() {
        // 5 x 2 to side 2: the short side is already 2, so no resize; the crop starts at round((5 - 2) / 2) = 2
        // (Python's round, half to even) and keeps columns 2 and 3.
        byte[] rgb = new byte[3 * 5 * 2];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 5; x++) {
                rgb[3 * (y * 5 + x)] = (byte) (10 * x + y);
            }
        }
        RgbImage out = ClipImageResize.resizeAndCrop(new RgbImage(5, 2, rgb), 2);
        assertArrayEquals(new int[]{20, 30, 21, 31}, red(out));
    }

    @Test
    void anImageOfTheModelsSizeIsLeftAlone() {
        RgbImage img = ImageResizeTest.row(1, 2, 3, 4);
        assertSame(img, ClipImageResize.resize(img, 4, 1));
    }

    @Test
    void upscalingInterpolatesWithoutWideningTheFilter() {
        // 2 -> 4: scale 0.5, support 2; output 1 centres at 0.75 and weighs pixels 0 and 1 by cubic(-0.25) and
        // cubic(0.75): (0.8671875·0 + 0.2265625·200) / 1.09375 = 41.43 -> 41; output 0 (centre 0.25): cubic(0.25),
        // cubic(1.25): (0.8671875·0 - 0.0703125·200) / 0.796875 = -17.6 -> clamped to 0; output 3 overshoots the
        // same way: 200·0.8671875 / 0.796875 = 217.6 -> 218.
        assertArrayEquals(new int[]{0, 41, 159, 218}, red(ClipImageResize.resize(ImageResizeTest.row(0, 200), 4, 1)));
    }
}
