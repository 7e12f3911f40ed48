package dev.lucid.cli;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerOptionTest {

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), ServerOption.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), ServerOption.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(2), ServerOption.parseDuration(" 2M "));
        assertEquals("--timeout must look like 500ms, 30s or 2m, got 'soon'",
                assertThrows(IllegalArgumentException.class, () -> ServerOption.parseDuration("soon")).getMessage());
    }

    @Test
    void badAddressesAreRefused() {
        ServerOption o = new ServerOption();
        o.timeout = "1s";
        o.server = "localhost";
        assertEquals("--server must be HOST:PORT, got 'localhost'",
                assertThrows(IllegalArgumentException.class, o::connect).getMessage());
        o.server = "localhost:99999";
        assertEquals("--server port must be in 1..65535, got 99999",
                assertThrows(IllegalArgumentException.class, o::connect).getMessage());
    }

    @Test
    void syntheticInputsFollowMetadata() {
        Tensor t = SyntheticInputs.of(new TensorSpec("x", DataType.INT64, TensorShape.of(-1, 3)));
        assertEquals(TensorShape.of(1, 3), t.shape());
        assertArrayEquals(new long[]{0, 1, 2}, t.longs());
        Tensor s = SyntheticInputs.of(new TensorSpec("s", DataType.BYTES, TensorShape.of(-1, 1)));
        assertArrayEquals(new String[]{"lucid"}, s.strings());
        assertEquals("FP32 [1, 2] [0.000, 0.01000]",
                SyntheticInputs.summary(SyntheticInputs.of(new TensorSpec("f", DataType.FP32, TensorShape.of(-1, 2)))));
    }
}
