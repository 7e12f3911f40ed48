package dev.lucid.kserve;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A named tensor held in KServe's raw form: row-major, little-endian, BYTES elements as 4-byte
 * little-endian length + bytes. Construction checks that the data agrees with datatype and shape.
 */
public final class Tensor {
    private final String name;
    private final DataType dataType;
    private final TensorShape shape;
    private final ByteBuffer data;

    /**
     * Wraps raw data (not copied; the buffer's position..limit is the tensor's data).
     *
     * @throws TensorFormatException when the byte size does not match the shape and datatype
     */
    public Tensor(String name, DataType dataType, TensorShape shape, ByteBuffer data) {
        this.name = name;
        this.dataType = dataType;
        this.shape = shape;
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        int count;
        try {
            count = shape.elementCount();
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException("tensor '" + name + "': " + e.getMessage());
        }
        if (dataType.isFixedSize()) {
            long expected = (long) count * dataType.byteSize();
            if (this.data.remaining() != expected) {
                throw new TensorFormatException("tensor '" + name + "': " + dataType.wireName() + " shape " + shape
                        + " needs " + expected + " bytes, got " + this.data.remaining());
            }
        } else {
            TensorCodec.checkBytesElements(name, this.data, count);
        }
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    public TensorShape shape() {
        return shape;
    }

    /** Number of elements. */
    public int elementCount() {
        return shape.elementCount();
    }

    /** The raw data as a read-only little-endian view. */
    public ByteBuffer rawData() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The backing byte array range when the data lives on the heap, for zero-copy wrapping; else null. */
    byte[] backingArray() {
        return data.hasArray() && data.arrayOffset() == 0 && data.position() == 0 && data.remaining() == data.array().length
                ? data.array() : null;
    }

    /** Size of the raw data in bytes. */
    public int byteSize() {
        return data.remaining();
    }

    /** The same data under another name. */
    public Tensor renamed(String newName) {
        return new Tensor(newName, dataType, shape, data);
    }

    // ---- factories ----

    public static Tensor ofFloats(String name, TensorShape shape, float... values) {
        ByteBuffer b = allocate(values.length * 4);
        b.asFloatBuffer().put(values);
        return new Tensor(name, DataType.FP32, shape, b);
    }

    public static Tensor ofDoubles(String name, TensorShape shape, double... values) {
        ByteBuffer b = allocate(values.length * 8);
        b.asDoubleBuffer().put(values);
        return new Tensor(name, DataType.FP64, shape, b);
    }

    /** FP16 tensor from floats (rounded to nearest even). */
    public static Tensor ofHalfs(String name, TensorShape shape, float... values) {
        ByteBuffer b = allocate(values.length * 2);
        for (float v : values) {
            b.putShort(Half.fromFloat(v));
        }
        b.flip();
        return new Tensor(name, DataType.FP16, shape, b);
    }

    /** BF16 tensor from floats (rounded to nearest even). */
    public static Tensor ofBfloat16s(String name, TensorShape shape, float... values) {
        ByteBuffer b = allocate(values.length * 2);
        for (float v : values) {
            b.putShort(Half.floatToBf16(v));
        }
        b.flip();
        return new Tensor(name, DataType.BF16, shape, b);
    }

    public static Tensor ofInts(String name, TensorShape shape, int... values) {
        ByteBuffer b = allocate(values.length * 4);
        b.asIntBuffer().put(values);
        return new Tensor(name, DataType.INT32, shape, b);
    }

    public static Tensor ofLongs(String name, TensorShape shape, long... values) {
        ByteBuffer b = allocate(values.length * 8);
        b.asLongBuffer().put(values);
        return new Tensor(name, DataType.INT64, shape, b);
    }

    /** UINT8 tensor; the Java bytes are read as unsigned. */
    public static Tensor ofUint8(String name, TensorShape shape, byte... values) {
        return new Tensor(name, DataType.UINT8, shape, ByteBuffer.wrap(values.clone()));
    }

    public static Tensor ofBools(String name, TensorShape shape, boolean... values) {
        ByteBuffer b = allocate(values.length);
        for (boolean v : values) {
            b.put((byte) (v ? 1 : 0));
        }
        b.flip();
        return new Tensor(name, DataType.BOOL, shape, b);
    }

    /** BYTES tensor from arbitrary byte strings. */
    public static Tensor ofBytes(String name, TensorShape shape, byte[]... elements) {
        return new Tensor(name, DataType.BYTES, shape, TensorCodec.encodeBytesElements(elements));
    }

    /** BYTES tensor from UTF-8 strings. */
    public static Tensor ofStrings(String name, TensorShape shape, String... elements) {
        byte[][] raw = new byte[elements.length][];
        for (int i = 0; i < elements.length; i++) {
            raw[i] = elements[i].getBytes(StandardCharsets.UTF_8);
        }
        return ofBytes(name, shape, raw);
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- readers ----

    /** Values as floats: FP32 directly, FP16/BF16/FP64 converted. */
    public float[] floats() {
        int n = elementCount();
        float[] out = new float[n];
        ByteBuffer b = rawData();
        switch (dataType) {
            case FP32 -> b.asFloatBuffer().get(out);
            case FP16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Half.toFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Half.bf16ToFloat(b.getShort());
                }
            }
            case FP64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            default -> throw wrongType("floats");
        }
        return out;
    }

    /** FP64 values. */
    public double[] doubles() {
        requireType(DataType.FP64, "doubles");
        double[] out = new double[elementCount()];
        rawData().asDoubleBuffer().get(out);
        return out;
    }

    /** INT32 values. */
    public int[] ints() {
        requireType(DataType.INT32, "ints");
        int[] out = new int[elementCount()];
        rawData().asIntBuffer().get(out);
        return out;
    }

    /** INT64 values. */
    public long[] longs() {
        requireType(DataType.INT64, "longs");
        long[] out = new long[elementCount()];
        rawData().asLongBuffer().get(out);
        return out;
    }

    /** UINT8 values as raw bytes (read them with {@code & 0xff}). */
    public byte[] uint8() {
        requireType(DataType.UINT8, "uint8");
        byte[] out = new byte[elementCount()];
        rawData().get(out);
        return out;
    }

    /** BOOL values. */
    public boolean[] bools() {
        requireType(DataType.BOOL, "bools");
        boolean[] out = new boolean[elementCount()];
        ByteBuffer b = rawData();
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get() != 0;
        }
        return out;
    }

    /** BYTES elements. */
    public byte[][] bytesElements() {
        requireType(DataType.BYTES, "bytes elements");
        return TensorCodec.decodeBytesElements(name, rawData(), elementCount());
    }

    /** BYTES elements decoded as UTF-8. */
    public String[] strings() {
        byte[][] raw = bytesElements();
        String[] out = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = new String(raw[i], StandardCharsets.UTF_8);
        }
        return out;
    }

    private void requireType(DataType expected, String what) {
        if (dataType != expected) {
            throw wrongType(what);
        }
    }

    private IllegalStateException wrongType(String what) {
        return new IllegalStateException("tensor '" + name + "' is " + dataType.wireName() + ", cannot read " + what);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + dataType.wireName() + " " + shape + "]";
    }
}
