package dev.lucid.kserve;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import inference.GrpcService.InferTensorContents;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts tensors to and from the KServe v2 wire messages: {@code raw_input_contents} /
 * {@code raw_output_contents} (little-endian, BYTES as 4-byte length + bytes) and the typed
 * {@code contents} fields. Every malformed buffer is reported with the tensor's name.
 */
public final class TensorCodec {
    private TensorCodec() {
    }

    /** Serialises BYTES elements: each a 4-byte unsigned little-endian length, then its bytes. */
    public static ByteBuffer encodeBytesElements(byte[]... elements) {
        long total = 0;
        for (byte[] e : elements) {
            total += 4L + e.length;
        }
        if (total > Integer.MAX_VALUE) {
            throw new TensorFormatException("BYTES tensor larger than 2 GiB");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] e : elements) {
            b.putInt(e.length);
            b.put(e);
        }
        b.flip();
        return b;
    }

    /** Parses exactly {@code count} BYTES elements that must fill the buffer. */
    public static byte[][] decodeBytesElements(String tensorName, ByteBuffer raw, int count) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = new byte[nextElementLength(tensorName, b, i)];
            b.get(out[i]);
        }
        requireFullyConsumed(tensorName, b, count);
        return out;
    }

    /** Checks that a buffer holds exactly {@code count} well-formed BYTES elements. */
    static void checkBytesElements(String tensorName, ByteBuffer raw, int count) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            int len = nextElementLength(tensorName, b, i);
            b.position(b.position() + len);
        }
        requireFullyConsumed(tensorName, b, count);
    }

    private static int nextElementLength(String tensorName, ByteBuffer b, int index) {
        if (b.remaining() < 4) {
            throw new TensorFormatException("tensor '" + tensorName + "': BYTES element " + index
                    + " is truncated: expected a 4-byte length, " + b.remaining() + " bytes left");
        }
        long len = Integer.toUnsignedLong(b.getInt());
        if (len > b.remaining()) {
            throw new TensorFormatException("tensor '" + tensorName + "': BYTES element " + index
                    + " declares " + len + " bytes but only " + b.remaining() + " remain");
        }
        return (int) len;
    }

    private static void requireFullyConsumed(String tensorName, ByteBuffer b, int count) {
        if (b.hasRemaining()) {
            throw new TensorFormatException("tensor '" + tensorName + "': " + b.remaining()
                    + " unexpected bytes after " + count + " BYTES elements");
        }
    }

    /**
     * A tensor's raw data as a ByteString: the heap array itself when the tensor owns one, else one
     * bulk copy. (A ByteString over a read-only or direct buffer serialises element by element, which
     * costs milliseconds per image-sized tensor.)
     */
    public static ByteString toByteString(Tensor t) {
        byte[] array = t.backingArray();
        if (array == null) {
            array = new byte[t.byteSize()];
            t.rawData().get(array);
        }
        return UnsafeByteOperations.unsafeWrap(array);
    }

    /** Builds a tensor from its wire description and raw data. */
    public static Tensor fromRaw(String name, String datatype, List<Long> shape, ByteString raw) {
        DataType type = parseType(name, datatype);
        return new Tensor(name, type, TensorShape.of(shape), raw.asReadOnlyByteBuffer());
    }

    /** Builds a tensor from the typed {@code contents} fields (Triton's non-raw form). */
    public static Tensor fromContents(String name, String datatype, List<Long> shapeList, InferTensorContents c) {
        DataType type = parseType(name, datatype);
        TensorShape shape = TensorShape.of(shapeList);
        int n;
        try {
            n = shape.elementCount();
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException("tensor '" + name + "': " + e.getMessage());
        }
        switch (type) {
            case BYTES -> {
                checkCount(name, "bytes_contents", c.getBytesContentsCount(), n);
                byte[][] els = new byte[n][];
                for (int i = 0; i < n; i++) {
                    els[i] = c.getBytesContents(i).toByteArray();
                }
                return Tensor.ofBytes(name, shape, els);
            }
            case FP32 -> {
                checkCount(name, "fp32_contents", c.getFp32ContentsCount(), n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getFp32Contents(i);
                }
                return Tensor.ofFloats(name, shape, v);
            }
            case FP64 -> {
                checkCount(name, "fp64_contents", c.getFp64ContentsCount(), n);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getFp64Contents(i);
                }
                return Tensor.ofDoubles(name, shape, v);
            }
            case INT64 -> {
                checkCount(name, "int64_contents", c.getInt64ContentsCount(), n);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getInt64Contents(i);
                }
                return Tensor.ofLongs(name, shape, v);
            }
            case BOOL -> {
                checkCount(name, "bool_contents", c.getBoolContentsCount(), n);
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getBoolContents(i);
                }
                return Tensor.ofBools(name, shape, v);
            }
            case INT8, INT16, INT32 -> {
                checkCount(name, "int_contents", c.getIntContentsCount(), n);
                ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    putSized(b, type.byteSize(), c.getIntContents(i));
                }
                b.flip();
                return new Tensor(name, type, shape, b);
            }
            case UINT8, UINT16, UINT32 -> {
                checkCount(name, "uint_contents", c.getUintContentsCount(), n);
                ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    putSized(b, type.byteSize(), c.getUintContents(i));
                }
                b.flip();
                return new Tensor(name, type, shape, b);
            }
            case UINT64 -> {
                checkCount(name, "uint64_contents", c.getUint64ContentsCount(), n);
                ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    b.putLong(c.getUint64Contents(i));
                }
                b.flip();
                return new Tensor(name, type, shape, b);
            }
            default -> throw new TensorFormatException("tensor '" + name + "': datatype " + type.wireName()
                    + " has no typed contents field; send it in raw_input_contents");
        }
    }

    private static void putSized(ByteBuffer b, int size, int value) {
        switch (size) {
            case 1 -> b.put((byte) value);
            case 2 -> b.putShort((short) value);
            default -> b.putInt(value);
        }
    }

    private static void checkCount(String name, String field, int got, int expected) {
        if (got != expected) {
            throw new TensorFormatException("tensor '" + name + "': " + field + " has " + got
                    + " elements, shape needs " + expected);
        }
    }

    private static DataType parseType(String name, String datatype) {
        try {
            return DataType.fromWire(datatype);
        } catch (IllegalArgumentException e) {
            throw new TensorFormatException("tensor '" + name + "': unknown datatype '" + datatype + "'");
        }
    }

    /**
     * Decodes the inputs of an inference request, from raw contents or typed contents, with
     * Triton's rules: one raw entry per input, and no typed contents when raw contents are used.
     */
    public static List<Tensor> decodeInputs(ModelInferRequest request) {
        int rawCount = request.getRawInputContentsCount();
        List<Tensor> out = new ArrayList<>(request.getInputsCount());
        if (rawCount > 0 && rawCount != request.getInputsCount()) {
            throw new TensorFormatException("expected " + request.getInputsCount()
                    + " raw_input_contents entries (one per input), got " + rawCount);
        }
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            if (rawCount > 0) {
                if (in.hasContents()) {
                    throw new TensorFormatException("contents field must not be specified when using "
                            + "raw_input_contents for '" + in.getName() + "'");
                }
                out.add(fromRaw(in.getName(), in.getDatatype(), in.getShapeList(), request.getRawInputContents(i)));
            } else {
                out.add(fromContents(in.getName(), in.getDatatype(), in.getShapeList(), in.getContents()));
            }
        }
        return out;
    }

    /** Decodes the outputs of an inference response (raw, as Triton sends them, or typed). */
    public static List<Tensor> decodeOutputs(ModelInferResponse response) {
        int rawCount = response.getRawOutputContentsCount();
        if (rawCount > 0 && rawCount != response.getOutputsCount()) {
            throw new TensorFormatException("expected " + response.getOutputsCount()
                    + " raw_output_contents entries, got " + rawCount);
        }
        List<Tensor> out = new ArrayList<>(response.getOutputsCount());
        for (int i = 0; i < response.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor o = response.getOutputs(i);
            out.add(rawCount > 0
                    ? fromRaw(o.getName(), o.getDatatype(), o.getShapeList(), response.getRawOutputContents(i))
                    : fromContents(o.getName(), o.getDatatype(), o.getShapeList(), o.getContents()));
        }
        return out;
    }

    /** Adds a tensor to a request as an input with raw contents. */
    public static void addRawInput(ModelInferRequest.Builder request, Tensor t) {
        request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                .setName(t.name())
                .setDatatype(t.dataType().wireName())
                .addAllShape(boxed(t.shape())));
        request.addRawInputContents(toByteString(t));
    }

    /** Adds a tensor to a response as an output with raw contents. */
    public static void addRawOutput(ModelInferResponse.Builder response, Tensor t) {
        response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(t.name())
                .setDatatype(t.dataType().wireName())
                .addAllShape(boxed(t.shape())));
        response.addRawOutputContents(toByteString(t));
    }

    /** A shape as protobuf's repeated int64 list. */
    public static List<Long> boxed(TensorShape shape) {
        List<Long> l = new ArrayList<>(shape.rank());
        for (int i = 0; i < shape.rank(); i++) {
            l.add(shape.dim(i));
        }
        return l;
    }
}
