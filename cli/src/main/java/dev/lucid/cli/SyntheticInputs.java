package dev.lucid.cli;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Deterministic example inputs for any model, from its metadata (variable dimensions become 1). */
final class SyntheticInputs {
    private SyntheticInputs() {
    }

    static Tensor of(TensorSpec spec) {
        long[] dims = spec.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                dims[i] = 1;
            }
        }
        TensorShape shape = TensorShape.of(dims);
        int n = shape.elementCount();
        String name = spec.name();
        return switch (spec.dataType()) {
            case FP32 -> Tensor.ofFloats(name, shape, floats(n));
            case FP16 -> Tensor.ofHalfs(name, shape, floats(n));
            case BF16 -> Tensor.ofBfloat16s(name, shape, floats(n));
            case FP64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i * 0.01;
                }
                yield Tensor.ofDoubles(name, shape, v);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i % 7;
                }
                yield Tensor.ofLongs(name, shape, v);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i % 7;
                }
                yield Tensor.ofInts(name, shape, v);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i % 2 == 0;
                }
                yield Tensor.ofBools(name, shape, v);
            }
            case BYTES -> {
                String[] v = new String[n];
                java.util.Arrays.fill(v, "lucid");
                yield Tensor.ofStrings(name, shape, v);
            }
            default -> {
                ByteBuffer b = ByteBuffer.allocate(n * spec.dataType().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < b.capacity(); i++) {
                    b.put((byte) (i % 7));
                }
                b.flip();
                yield new Tensor(name, spec.dataType(), shape, b);
            }
        };
    }

    private static float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 100) * 0.01f;
        }
        return v;
    }

    /** A short human summary of an output tensor. */
    static String summary(Tensor t) {
        StringBuilder s = new StringBuilder(t.dataType().wireName()).append(' ').append(t.shape()).append(' ');
        int show = Math.min(4, t.elementCount());
        if (t.dataType() == DataType.BYTES) {
            String[] v = t.strings();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append('"').append(v[i]).append('"');
            }
        } else if (t.dataType() == DataType.UINT8) {
            byte[] v = t.uint8();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append(v[i] & 0xff);
            }
        } else if (t.dataType() == DataType.INT64) {
            long[] v = t.longs();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append(v[i]);
            }
        } else if (t.dataType() == DataType.BOOL) {
            boolean[] v = t.bools();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append(v[i]);
            }
        } else if (t.dataType() == DataType.INT32) {
            int[] v = t.ints();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append(v[i]);
            }
        } else {
            float[] v = t.floats();
            s.append('[');
            for (int i = 0; i < show; i++) {
                s.append(i > 0 ? ", " : "").append(String.format("%.4g", v[i]));
            }
        }
        return s.append(t.elementCount() > show ? ", ...]" : "]").toString();
    }
}
