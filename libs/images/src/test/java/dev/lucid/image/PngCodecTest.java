package dev.lucid.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PngCodecTest {

    static RgbImage random(int w, int h, long seed) {
        byte[] b = new byte[w * h * 3];
        new Random(seed).nextBytes(b);
        return new RgbImage(w, h, b);
    }

    @Test
    void roundTripIsExactAndReadableByImageIo() throws Exception {
        RgbImage img = random(32, 24, 1);
        byte[] png = PngCodec.encode(img);
        assertEquals(img, PngCodec.decode(png));
        BufferedImage bi = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(32, bi.getWidth());
        byte[] rgb = img.rgb();
        int p = bi.getRGB(5, 7);
        int o = 3 * (7 * 32 + 5);
        assertEquals(rgb[o] & 0xff, (p >> 16) & 0xff);
        assertEquals(rgb[o + 2] & 0xff, p & 0xff);
    }

    @Test
    void encodingIsDeterministic() {
        RgbImage img = random(32, 32, 2);
        assertArrayEquals(PngCodec.encode(img), PngCodec.encode(new RgbImage(32, 32, img.rgb())));
        assertEquals(PngCodec.sha256(PngCodec.encode(img)), PngCodec.sha256(PngCodec.encode(img)));
        assertNotEquals(PngCodec.sha256(PngCodec.encode(img)), PngCodec.sha256(PngCodec.encode(random(32, 32, 3))));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", PngCodec.sha256(new byte[0]));
    }

    @Test
    void decodesForeignPngsWithAlphaAndGrey() throws Exception {
        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x80ff1020);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(argb, "png", out);
        RgbImage img = PngCodec.decode(out.toByteArray());
        byte[] rgb = img.rgb();
        assertEquals(0xff, rgb[3 * 4] & 0xff);
        assertEquals(0x10, rgb[3 * 4 + 1] & 0xff);
    }

    @Test
    void chwConversionRoundsAndClips() {
        float[] chw = {0f, 1f, 0.5f, 2f, /* G */ -1f, 0.2f, 0.8f, Float.NaN, /* B */ 1f, 1f, 0f, 0f};
        RgbImage img = RgbImage.fromChw(chw, 2, 2);
        byte[] rgb = img.rgb();
        assertEquals(0, rgb[0] & 0xff);
        assertEquals(0, rgb[1] & 0xff, "clipped");
        assertEquals(255, rgb[2] & 0xff);
        assertEquals(128, rgb[6] & 0xff, "0.5 rounds to 128");
        assertEquals(255, rgb[9] & 0xff, "2 clips to 255");
        assertEquals(0, rgb[10] & 0xff, "NaN becomes 0");
        assertEquals(51 / 255f, img.toChw()[5], 1e-6);
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> PngCodec.decode("GIF89a".getBytes()));
        byte[] png = PngCodec.encode(random(4, 4, 5));
        png[16] = 0x7f; // width 2^30+4: refused before decompression
        assertEquals("PNG size 2130706436x4 outside 1..4096",
                assertThrows(IllegalArgumentException.class, () -> PngCodec.decode(png)).getMessage());
        byte[] truncated = java.util.Arrays.copyOf(PngCodec.encode(random(4, 4, 6)), 45);
        assertThrows(IllegalArgumentException.class, () -> PngCodec.decode(truncated));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 4, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[5]));
    }
}
