package dev.lucid.generation;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interface of an ONNX model read straight from its protobuf (no runtime, weights skipped while
 * streaming): graph inputs and outputs with element types and shapes (symbolic dimensions as -1), and the
 * shapes of its initializers.
 *
 * @param inputs       graph inputs that are not initializers
 * @param outputs      graph outputs
 * @param initializers initializer name → dimensions
 */
public record OnnxGraph(List<Tensor> inputs, List<Tensor> outputs, Map<String, long[]> initializers) {
    /** Most inputs, outputs or dimensions accepted (a bound on what a malformed file can make us hold). */
    static final int MAX_ITEMS = 100_000;

    /** A graph input or output: ONNX element type (1 float, 6 int32, 7 int64, 10 float16, 11 double …) and shape. */
    public record Tensor(String name, int elemType, long[] dims) {
        /** Triton's config name of the element type. */
        public String tritonType() {
            return switch (elemType) {
                case 1 -> "TYPE_FP32";
                case 2 -> "TYPE_UINT8";
                case 3 -> "TYPE_INT8";
                case 6 -> "TYPE_INT32";
                case 7 -> "TYPE_INT64";
                case 9 -> "TYPE_BOOL";
                case 10 -> "TYPE_FP16";
                case 11 -> "TYPE_FP64";
                default -> throw new IllegalArgumentException("tensor '" + name + "' has ONNX element type " + elemType
                        + ", which the importer does not map");
            };
        }
    }

    /** The input of that name. */
    public java.util.Optional<Tensor> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * Reads a model.onnx file.
     *
     * @throws IllegalArgumentException naming the file when it is not an ONNX model
     */
    public static OnnxGraph read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream c = CodedInputStream.newInstance(in, 1 << 16);
            c.setSizeLimit(Integer.MAX_VALUE);
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> outputs = new ArrayList<>();
            Map<String, long[]> inits = new LinkedHashMap<>();
            boolean graph = false;
            for (int tag; (tag = c.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int old = c.pushLimit(c.readRawVarint32());
                    readGraph(c, inputs, outputs, inits);
                    c.popLimit(old);
                    graph = true;
                } else if (!c.skipField(tag)) {
                    break;
                }
            }
            if (!graph || outputs.isEmpty()) {
                throw new IllegalArgumentException(file + " is not an ONNX model (no graph with outputs)");
            }
            inputs.removeIf(t -> inits.containsKey(t.name()));
            return new OnnxGraph(List.copyOf(inputs), List.copyOf(outputs), inits);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + " is not an ONNX model: " + e.getMessage(), e);
        }
    }

    private static void readGraph(CodedInputStream c, List<Tensor> inputs, List<Tensor> outputs, Map<String, long[]> inits)
            throws IOException {
        for (int tag; (tag = c.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED && (field == 5 || field == 11 || field == 12)) {
                int old = c.pushLimit(c.readRawVarint32());
                if (field == 5) {
                    readInitializer(c, inits);
                } else {
                    bounded(field == 11 ? inputs : outputs).add(readValueInfo(c));
                }
                c.popLimit(old);
            } else {
                c.skipField(tag);
            }
        }
    }

    private static <T> List<T> bounded(List<T> list) {
        if (list.size() >= MAX_ITEMS) {
            throw new IllegalArgumentException("more than " + MAX_ITEMS + " graph inputs or outputs");
        }
        return list;
    }

    /** TensorProto: dims (1), name (8); the data is skipped. */
    private static void readInitializer(CodedInputStream c, Map<String, long[]> inits) throws IOException {
        List<Long> dims = new ArrayList<>();
        String name = "";
        for (int tag; (tag = c.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                readInt64s(c, tag, dims);
            } else if (field == 8) {
                name = c.readStringRequireUtf8();
            } else {
                c.skipField(tag);
            }
        }
        if (inits.size() < MAX_ITEMS) {
            inits.put(name, dims.stream().mapToLong(Long::longValue).toArray());
        }
    }

    private static void readInt64s(CodedInputStream c, int tag, List<Long> into) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = c.pushLimit(c.readRawVarint32());
            while (c.getBytesUntilLimit() > 0 && into.size() < 64) {
                into.add(c.readInt64());
            }
            c.popLimit(old);
        } else if (into.size() < 64) {
            into.add(c.readInt64());
        }
    }

    /** ValueInfoProto: name (1), type (2) → TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1). */
    private static Tensor readValueInfo(CodedInputStream c) throws IOException {
        String name = "";
        int elemType = 0;
        List<Long> dims = new ArrayList<>();
        for (int tag; (tag = c.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                name = c.readStringRequireUtf8();
            } else if (field == 2) {
                int oldType = c.pushLimit(c.readRawVarint32());
                for (int t; (t = c.readTag()) != 0; ) {
                    if (WireFormat.getTagFieldNumber(t) == 1 && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int oldTensor = c.pushLimit(c.readRawVarint32());
                        for (int u; (u = c.readTag()) != 0; ) {
                            if (WireFormat.getTagFieldNumber(u) == 1) {
                                elemType = c.readInt32();
                            } else if (WireFormat.getTagFieldNumber(u) == 2) {
                                int oldShape = c.pushLimit(c.readRawVarint32());
                                for (int d; (d = c.readTag()) != 0; ) {
                                    if (WireFormat.getTagFieldNumber(d) == 1 && dims.size() < 64) {
                                        int oldDim = c.pushLimit(c.readRawVarint32());
                                        long value = -1;
                                        for (int e; (e = c.readTag()) != 0; ) {
                                            if (WireFormat.getTagFieldNumber(e) == 1) {
                                                value = c.readInt64();
                                            } else {
                                                c.skipField(e);
                                            }
                                        }
                                        dims.add(value > 0 ? value : -1);
                                        c.popLimit(oldDim);
                                    } else {
                                        c.skipField(d);
                                    }
                                }
                                c.popLimit(oldShape);
                            } else {
                                c.skipField(u);
                            }
                        }
                        c.popLimit(oldTensor);
                    } else {
                        c.skipField(t);
                    }
                }
                c.popLimit(oldType);
            } else {
                c.skipField(tag);
            }
        }
        return new Tensor(name, elemType, dims.stream().mapToLong(Long::longValue).toArray());
    }
}
