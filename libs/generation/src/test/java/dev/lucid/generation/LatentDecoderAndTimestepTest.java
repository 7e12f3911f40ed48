package dev.lucid.generation;

import dev.lucid.image.RgbImage;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentDecoderAndTimestepTest {

    @Test
    void decodedPixelsMapAsDiffusersDoes() {
        // One pixel per channel value: R, G, B planes of a 4x1 image.
        float[] chw = {-1f, 1f, 0f, 3f, -7f, Float.NaN, 0.2f, -0.2f, 0.5f, 0.998f, -0.998f, 0f};
        RgbImage img = LatentDecoder.toRgb(chw, 0, 4, 1);
        byte[] rgb = img.rgb();
        int[] r = new int[12];
        for (int i = 0; i < 12; i++) {
            r[i] = rgb[i] & 0xff;
        }
        // pixel p, channel c = chw[c * 4 + p]: (x / 2 + 0.5) clamped, * 255, rounded half to even
        assertArrayEquals(new int[]{0, 0, 191, 255, 0, 255, 128, 153, 0, 255, 102, 128}, r);
    }

    @Test
    void timestepLayoutsFollowTheMetadata() {
        TimestepInput broadcast = TimestepInput.of(new TensorSpec("timestep", DataType.INT64, TensorShape.of(-1)), false, "u");
        assertEquals(TimestepInput.Layout.BROADCAST, broadcast.layout());
        Tensor b = broadcast.tensor(new long[]{9, 9, 981, 981, 981}, 2, 3);
        assertEquals(TensorShape.of(1), b.shape());
        assertArrayEquals(new long[]{981}, b.longs());
        Tensor perRow = TimestepInput.of(new TensorSpec("timestep", DataType.INT64, TensorShape.of(-1)), true, "u")
                .tensor(new long[]{5, 5, 5}, 0, 3);
        assertEquals(TensorShape.of(3), perRow.shape());
        Tensor column = TimestepInput.of(new TensorSpec("timestep", DataType.INT64, TensorShape.of(-1, 1)), true, "u")
                .tensor(new long[]{5, 5}, 0, 2);
        assertEquals(TensorShape.of(2, 1), column.shape());
        Tensor scalar = TimestepInput.of(new TensorSpec("timestep", DataType.FP32, TensorShape.of()), false, "u")
                .tensor(new long[]{801, 801}, 0, 2);
        assertEquals(TensorShape.of(), scalar.shape());
        assertArrayEquals(new float[]{801f}, scalar.floats());
        Tensor ints = TimestepInput.of(new TensorSpec("timestep", DataType.INT32, TensorShape.of(-1)), true, "u")
                .tensor(new long[]{7, 7}, 0, 2);
        assertArrayEquals(new int[]{7, 7}, ints.ints());
    }

    @Test
    void timestepsThatCannotBeSentAreRefusedNamingTheDenoiser() {
        IllegalStateException fixed = assertThrows(IllegalStateException.class,
                () -> TimestepInput.of(new TensorSpec("timestep", DataType.INT64, TensorShape.of(2)), false, "my_unet"));
        assertTrue(fixed.getMessage().contains("my_unet") && fixed.getMessage().contains("[2]"), fixed.getMessage());
        assertThrows(IllegalStateException.class,
                () -> TimestepInput.of(new TensorSpec("timestep", DataType.FP16, TensorShape.of(-1)), true, "my_unet"));
        TimestepInput one = TimestepInput.of(new TensorSpec("timestep", DataType.INT64, TensorShape.of(1)), false, "u");
        assertThrows(IllegalStateException.class, () -> one.tensor(new long[]{1, 2}, 0, 2));
    }
}
