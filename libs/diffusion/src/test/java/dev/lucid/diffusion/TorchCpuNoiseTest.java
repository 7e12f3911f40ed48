package dev.lucid.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bit-for-bit agreement with torch's seeded CPU randn (fixture from scripts/make_torch_noise_fixture.py). */
class TorchCpuNoiseTest {
    static JsonNode fixture() throws Exception {
        try (InputStream in = TorchCpuNoiseTest.class.getResourceAsStream("/torch/cpu_noise.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static long seed(JsonNode n) {
        return Long.parseUnsignedLong(n.get("seed").asText());
    }

    static int[] bits(JsonNode hex) {
        int[] out = new int[hex.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseUnsignedInt(hex.get(i).asText(), 16);
        }
        return out;
    }

    static int[] bitsOf(float[] v, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @Test
    void latentNoiseIsBitIdenticalToTorchForEverySeed() throws Exception {
        JsonNode f = fixture();
        int size = 1;
        for (JsonNode d : f.get("latent_shape")) {
            size *= d.asInt();
        }
        assertEquals(16384, size);
        JsonNode latents = f.get("latents");
        assertTrue(latents.size() >= 100, "fixture has " + latents.size() + " seeds");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (JsonNode c : latents) {
            long seed = seed(c);
            float[] x = TorchCpuNoise.INSTANCE.sample(seed, size);
            String where = "seed " + Long.toUnsignedString(seed) + " (torch " + f.get("torch_version").asText() + ")";
            assertArrayEquals(bits(c.get("first")), bitsOf(x, 0, 8), where + ": first values");
            assertArrayEquals(bits(c.get("last")), bitsOf(x, size - 8, size), where + ": last values");
            ByteBuffer b = ByteBuffer.allocate(size * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(x);
            assertEquals(c.get("sha256").asText(), HexFormat.of().formatHex(md.digest(b.array())), where + ": sha256");
        }
    }

    @Test
    void smallShapesTakeTorchsElementwiseAndTailPathsBitForBit() throws Exception {
        for (JsonNode c : fixture().get("small")) {
            float[] x = TorchCpuNoise.INSTANCE.sample(seed(c), c.get("size").asInt());
            assertArrayEquals(bits(c.get("values")), bitsOf(x, 0, x.length),
                    "seed " + c.get("seed").asText() + " size " + c.get("size").asInt());
        }
    }

    @Test
    void onlyTheLow32BitsOfTheSeedCountAsInTorch() {
        assertArrayEquals(TorchCpuNoise.INSTANCE.sample(5, 64), TorchCpuNoise.INSTANCE.sample((1L << 32) + 5, 64));
        assertNotEquals(TorchCpuNoise.INSTANCE.sample(5, 64)[0], TorchCpuNoise.INSTANCE.sample(6, 64)[0]);
        assertEquals(0, TorchCpuNoise.INSTANCE.sample(1, 0).length);
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.INSTANCE.sample(1, -1));
        assertThrows(IllegalArgumentException.class, () -> TorchCpuNoise.INSTANCE.sample(1, TorchCpuNoise.MAX_SIZE + 1));
    }

    @Test
    void cephesLogAndSincosStayWithinAFewUlpsOfTheTrueValues() {
        float[] sc = new float[2];
        for (int i = 1; i <= 1 << 16; i++) {
            float u = i * 0x1p-16f;
            assertEquals(Math.log(u), CephesFloatMath.log(u), 4 * Math.ulp((float) Math.log(u)) + 1e-7, "log " + u);
            float theta = (float) (2 * Math.PI) * u;
            CephesFloatMath.sincos(theta, sc);
            assertEquals(Math.sin(theta), sc[0], 3e-7, "sin " + theta);
            assertEquals(Math.cos(theta), sc[1], 3e-7, "cos " + theta);
        }
        assertTrue(Float.isNaN(CephesFloatMath.log(0f)));
    }
}
