package dev.lucid.image;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fuzzes PNG decoding: any bytes either decode to an image of the declared size or are refused with a reason. */
class PngDecodeFuzzTest {
    @FuzzTest
    void decode(byte[] data) {
        RgbImage img;
        try {
            img = PngCodec.decode(data);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
            return;
        }
        assertEquals(3L * img.width() * img.height(), img.rgb().length);
    }
}
