package dev.lucid.kserve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfTest {

    @Test
    void knownBitPatterns() {
        assertEquals((short) 0x3c00, Half.fromFloat(1f));
        assertEquals((short) 0xc000, Half.fromFloat(-2f));
        assertEquals((short) 0x7bff, Half.fromFloat(65504f));
        assertEquals((short) 0x7c00, Half.fromFloat(70000f), "overflow is infinity");
        assertEquals((short) 0x0001, Half.fromFloat(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x0000, Half.fromFloat(0x1p-26f), "underflow to zero");
        assertEquals((short) 0x8000, Half.fromFloat(-0f));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xfc00));
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
    }

    @Test
    void everyHalfValueRoundTripsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Half.toFloat((short) bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals((short) bits, Half.fromFloat(f), "bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void roundsToNearestEven() {
        // 1 + 2^-11 lies exactly between 1 and the next half (1 + 2^-10): ties go to the even one (1).
        assertEquals((short) 0x3c00, Half.fromFloat(1f + 0x1p-11f));
        // 1 + 3*2^-11 lies between 1+2^-10 (odd) and 1+2^-9 (even): goes up.
        assertEquals((short) 0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f));
    }

    @Test
    void bfloat16KeepsTheHighHalf() {
        assertEquals((short) 0x3f80, Half.floatToBf16(1f));
        assertEquals(1f, Half.bf16ToFloat((short) 0x3f80));
        assertEquals(3.140625f, Half.bf16ToFloat(Half.floatToBf16((float) Math.PI)));
    }
}
