package dev.lucid.diffusion;

/**
 * The float32 log and sincos that torch's AVX2 Box-Muller uses (Cephes polynomials as in
 * avx_mathfun.h), evaluated operation by operation in the same order and with the same fused
 * multiply-adds the compiler made of them, so the results match bit for bit. Constants are double
 * literals rounded to float, as the C initialisers round them.
 */
final class CephesFloatMath {
    private static final float SQRTHF = (float) 0.707106781186547524;
    private static final float[] LOG_P = {(float) 7.0376836292E-2, (float) -1.1514610310E-1, (float) 1.1676998740E-1,
            (float) -1.2420140846E-1, (float) 1.4249322787E-1, (float) -1.6668057665E-1, (float) 2.0000714765E-1,
            (float) -2.4999993993E-1, (float) 3.3333331174E-1};
    private static final float LOG_Q1 = (float) -2.12194440e-4;
    private static final float LOG_Q2 = (float) 0.693359375;
    private static final float DP1 = (float) -0.78515625;
    private static final float DP2 = (float) -2.4187564849853515625e-4;
    private static final float DP3 = (float) -3.77489497744594108e-8;
    private static final float SIN_P0 = (float) -1.9515295891E-4;
    private static final float SIN_P1 = (float) 8.3321608736E-3;
    private static final float SIN_P2 = (float) -1.6666654611E-1;
    private static final float COS_P0 = (float) 2.443315711809948E-005;
    private static final float COS_P1 = (float) -1.388731625493765E-003;
    private static final float COS_P2 = (float) 4.166664568298827E-002;
    private static final float FOUR_OVER_PI = (float) 1.27323954473516;

    private CephesFloatMath() {
    }

    /** Natural log; NaN for x &lt;= 0. */
    static float log(float x) {
        boolean invalid = x <= 0;
        x = Math.max(x, Float.MIN_NORMAL); // denormals cut off
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 0x7f);
        x = Float.intBitsToFloat((bits & ~0x7f800000) | 0x3f000000); // mantissa in [0.5, 1)
        e = e + 1f;
        boolean small = x < SQRTHF;
        float tmp = small ? x : 0f;
        x = x - 1f;
        e = e - (small ? 1f : 0f);
        x = x + tmp;
        float z = x * x;
        float y = LOG_P[0];
        for (int i = 1; i < LOG_P.length; i++) {
            y = Math.fma(y, x, LOG_P[i]);
        }
        y = y * x;
        y = Math.fma(y, z, e * LOG_Q1);
        y = y - z * 0.5f;
        x = x + y;
        x = Math.fma(e, LOG_Q2, x);
        return invalid ? Float.NaN : x;
    }

    /** Writes sin(x) to out[0] and cos(x) to out[1]. */
    static void sincos(float x, float[] out) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        x = Math.abs(x);
        int j = (int) (x * FOUR_OVER_PI);
        j = (j + 1) & ~1;
        float y = j;
        int swapSin = (j & 4) << 29;
        boolean firstPoly = (j & 2) == 0;
        x = Math.fma(y, DP1, x);
        x = Math.fma(y, DP2, x);
        x = Math.fma(y, DP3, x);
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSin;
        float z = x * x;
        float yc = Math.fma(COS_P0, z, COS_P1);
        yc = Math.fma(yc, z, COS_P2);
        yc = yc * z;
        yc = Math.fma(yc, z, -(z * 0.5f));
        yc = yc + 1f;
        float ys = Math.fma(SIN_P0, z, SIN_P1);
        ys = Math.fma(ys, z, SIN_P2);
        ys = ys * z;
        ys = Math.fma(ys, x, x);
        // The C code selects by masking and adding a +0, which turns a -0 into +0.
        float sin = (firstPoly ? ys : yc) + 0f;
        float cos = (firstPoly ? yc : ys) + 0f;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(sin) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(cos) ^ signCos);
    }
}
