package dev.lucid.diffusion;

/**
 * The 32-bit Mersenne Twister as torch's CPU generator runs it: {@code manual_seed(s)} keeps only the
 * low 32 bits of s (so 2^32 + 5 seeds like 5) and initialises the state with Knuth's multiplier.
 */
final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] state = new int[N];
    private int index = N;

    Mt19937(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
    }

    /** The next 32 random bits. */
    int next() {
        if (index >= N) {
            twist();
        }
        int y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** A float in [0, 1) from the low 24 bits of one draw (torch's uniform_real_distribution&lt;float&gt;). */
    float nextFloat() {
        return (next() & 0xFFFFFF) * 0x1p-24f;
    }

    /** A double in [0, 1) from the low 53 bits of two draws, the first one high (torch's random64()). */
    double nextDouble() {
        long hi = next() & 0xFFFFFFFFL;
        long lo = next() & 0xFFFFFFFFL;
        return ((hi << 32 | lo) & ((1L << 53) - 1)) * 0x1p-53;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }
}
