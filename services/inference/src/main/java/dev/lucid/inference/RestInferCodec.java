package dev.lucid.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Half;
import dev.lucid.kserve.TensorCodec;
import dev.lucid.runtime.InferenceException;
import inference.GrpcService.InferParameter;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates KServe v2 HTTP inference bodies to and from the gRPC messages, so both protocols share one
 * validation and execution path and answer with the same messages. Handles JSON tensor data (flat or
 * nested, typed by the tensor's datatype) and Triton's binary tensor data extension: a JSON header of
 * {@code Inference-Header-Content-Length} bytes followed by the tensors whose {@code binary_data_size}
 * parameter says how many bytes each takes, and binary outputs on request ({@code binary_data} per
 * output, {@code binary_data_output} for all). The HTTP-only parameters are consumed here; every other
 * parameter is passed on, so the gRPC layer refuses what it does not support.
 */
final class RestInferCodec {
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A parsed request: the gRPC form and which outputs are to be answered in binary. */
    record Parsed(ModelInferRequest request, Set<String> binaryOutputs, boolean allBinary) {
    }

    /** An encoded answer: the JSON part, and the binary tensors that follow it (empty for plain JSON). */
    record Encoded(byte[] json, List<ByteString> binary) {
        long totalLength() {
            long n = json.length;
            for (ByteString b : binary) {
                n += b.size();
            }
            return n;
        }
    }

    private RestInferCodec() {
    }

    /**
     * Parses an inference body.
     *
     * @param headerLength the {@code Inference-Header-Content-Length} header, or null for a JSON-only body
     */
    static Parsed parse(String model, String version, byte[] body, String headerLength) {
        int jsonLength = body.length;
        if (headerLength != null) {
            try {
                jsonLength = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
                throw InferenceException.invalid(HEADER_LENGTH + " must be an integer, got '" + headerLength + "'");
            }
            if (jsonLength < 0 || jsonLength > body.length) {
                throw InferenceException.invalid(HEADER_LENGTH + " " + jsonLength + " is outside the body of "
                        + body.length + " bytes");
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(body, 0, jsonLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw InferenceException.invalid("failed to parse the request JSON buffer: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw InferenceException.invalid("the request JSON must be an object");
        }
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
        if (root.has("id")) {
            b.setId(text(root.get("id"), "id"));
        }
        boolean allBinary = false;
        for (Map.Entry<String, JsonNode> p : fields(root.get("parameters"), "parameters")) {
            if (p.getKey().equals("binary_data_output")) {
                allBinary = bool(p.getValue(), "parameters.binary_data_output");
            } else {
                b.putParameters(p.getKey(), parameter(p.getValue(), "parameters." + p.getKey()));
            }
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw InferenceException.invalid("the request must have an 'inputs' array");
        }
        int binaryAt = jsonLength;
        List<ByteString> raw = new ArrayList<>();
        boolean anyShared = false;
        for (JsonNode in : inputs) {
            if (!in.isObject()) {
                throw InferenceException.invalid("each element of 'inputs' must be an object");
            }
            String name = text(in.get("name"), "inputs[].name");
            String datatype = text(in.get("datatype"), "input '" + name + "' datatype");
            ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(name).setDatatype(datatype);
            long elements = 1;
            JsonNode shape = in.get("shape");
            if (shape == null || !shape.isArray()) {
                throw InferenceException.invalid("input '" + name + "' must have a 'shape' array");
            }
            for (JsonNode d : shape) {
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                    throw InferenceException.invalid("input '" + name + "': shape dimensions must be integers >= 0, got "
                            + shape);
                }
                t.addShape(d.asLong());
                long dim = d.asLong();
                elements = dim == 0 ? 0 : elements > Long.MAX_VALUE / dim ? Long.MAX_VALUE : elements * dim;
            }
            long binarySize = -1;
            for (Map.Entry<String, JsonNode> p : fields(in.get("parameters"), "input '" + name + "' parameters")) {
                if (p.getKey().equals("binary_data_size")) {
                    JsonNode v = p.getValue();
                    if (!v.isIntegralNumber() || v.asLong() < 0) {
                        throw InferenceException.invalid("input '" + name + "': binary_data_size must be an integer >= 0");
                    }
                    binarySize = v.asLong();
                } else {
                    t.putParameters(p.getKey(), parameter(p.getValue(), "input '" + name + "' parameter " + p.getKey()));
                }
            }
            boolean shared = t.containsParameters("shared_memory_region");
            JsonNode data = in.get("data");
            int sources = (data != null ? 1 : 0) + (binarySize >= 0 ? 1 : 0) + (shared ? 1 : 0);
            if (sources != 1) {
                throw InferenceException.invalid("input '" + name + "' must have exactly one of 'data', the "
                        + "binary_data_size parameter and the shared_memory_region parameter, got " + sources);
            }
            b.addInputs(t);
            if (shared) {
                anyShared = true;
                continue;
            }
            if (binarySize >= 0) {
                if (binarySize > body.length - binaryAt) {
                    throw InferenceException.invalid("input '" + name + "': binary_data_size " + binarySize
                            + " exceeds the " + (body.length - binaryAt) + " binary bytes left in the body");
                }
                raw.add(UnsafeByteOperations.unsafeWrap(body, binaryAt, (int) binarySize));
                binaryAt += (int) binarySize;
            } else {
                raw.add(fromJson(name, datatype, data, elements));
            }
        }
        if (binaryAt != body.length) {
            throw InferenceException.invalid((body.length - binaryAt) + " bytes of binary data follow the JSON header"
                    + " but the inputs' binary_data_size parameters claim " + (binaryAt - jsonLength));
        }
        if (!raw.isEmpty() || !anyShared) {
            b.addAllRawInputContents(raw);
        }
        Set<String> binaryOutputs = new HashSet<>();
        JsonNode outputs = root.get("outputs");
        if (outputs != null) {
            if (!outputs.isArray()) {
                throw InferenceException.invalid("'outputs' must be an array");
            }
            for (JsonNode out : outputs) {
                String name = text(out.get("name"), "outputs[].name");
                ModelInferRequest.InferRequestedOutputTensor.Builder o =
                        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name);
                for (Map.Entry<String, JsonNode> p : fields(out.get("parameters"), "output '" + name + "' parameters")) {
                    if (p.getKey().equals("binary_data")) {
                        if (bool(p.getValue(), "output '" + name + "' binary_data")) {
                            binaryOutputs.add(name);
                        }
                    } else {
                        o.putParameters(p.getKey(), parameter(p.getValue(), "output '" + name + "' parameter " + p.getKey()));
                    }
                }
                b.addOutputs(o);
            }
        }
        return new Parsed(b.build(), binaryOutputs, allBinary);
    }

    /** Encodes a gRPC answer as the HTTP one, outputs in binary where the request asked for it. */
    static Encoded encode(ModelInferResponse r, Parsed request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model_name", r.getModelName());
        root.put("model_version", r.getModelVersion());
        if (!r.getId().isEmpty()) {
            root.put("id", r.getId());
        }
        ArrayNode outs = root.putArray("outputs");
        List<ByteString> binary = new ArrayList<>();
        for (int i = 0; i < r.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor o = r.getOutputs(i);
            ObjectNode j = outs.addObject();
            j.put("name", o.getName());
            j.put("datatype", o.getDatatype());
            ArrayNode shape = j.putArray("shape");
            o.getShapeList().forEach(shape::add);
            ByteString raw = i < r.getRawOutputContentsCount() ? r.getRawOutputContents(i) : ByteString.EMPTY;
            ObjectNode params = o.getParametersCount() > 0 ? j.putObject("parameters") : null;
            o.getParametersMap().forEach((k, v) -> params.set(k, parameterValue(v)));
            if (o.containsParameters("shared_memory_region")) {
                continue; // the data is in the client's region
            }
            if (request.allBinary() || request.binaryOutputs().contains(o.getName())) {
                (params != null ? params : j.putObject("parameters")).put("binary_data_size", raw.size());
                binary.add(raw);
            } else {
                j.set("data", toJson(o.getName(), DataType.fromWire(o.getDatatype()), raw.asReadOnlyByteBuffer()));
            }
        }
        try {
            return new Encoded(JSON.writeValueAsBytes(root), binary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteString fromJson(String name, String datatype, JsonNode data, long elements) {
        DataType type;
        try {
            type = DataType.fromWire(datatype);
        } catch (IllegalArgumentException e) {
            throw InferenceException.invalid("input '" + name + "': unknown datatype '" + datatype + "'");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat, name);
        if (flat.size() != elements) {
            throw InferenceException.invalid("input '" + name + "': shape needs " + elements + " elements, 'data' has "
                    + flat.size());
        }
        if (type == DataType.BYTES) {
            byte[][] els = new byte[flat.size()][];
            for (int i = 0; i < els.length; i++) {
                if (!flat.get(i).isTextual()) {
                    throw InferenceException.invalid("input '" + name + "': BYTES element " + i + " must be a string");
                }
                els[i] = flat.get(i).textValue().getBytes(StandardCharsets.UTF_8);
            }
            return UnsafeByteOperations.unsafeWrap(TensorCodec.encodeBytesElements(els));
        }
        ByteBuffer b = ByteBuffer.allocate(flat.size() * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < flat.size(); i++) {
            put(b, type, flat.get(i), name, i);
        }
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    private static void put(ByteBuffer b, DataType type, JsonNode v, String name, int index) {
        String where = "input '" + name + "': " + type.wireName() + " element " + index;
        if (type == DataType.BOOL) {
            if (!v.isBoolean()) {
                throw InferenceException.invalid(where + " must be true or false, got " + v);
            }
            b.put((byte) (v.booleanValue() ? 1 : 0));
            return;
        }
        if (!v.isNumber()) {
            throw InferenceException.invalid(where + " must be a number, got " + v);
        }
        switch (type) {
            case FP32 -> b.putFloat(v.floatValue());
            case FP64 -> b.putDouble(v.doubleValue());
            case FP16 -> b.putShort(Half.fromFloat(v.floatValue()));
            case BF16 -> b.putShort(Half.floatToBf16(v.floatValue()));
            default -> {
                if (!v.isIntegralNumber()) {
                    throw InferenceException.invalid(where + " must be an integer, got " + v);
                }
                BigInteger x = v.bigIntegerValue();
                boolean unsigned = type.wireName().startsWith("U");
                int bits = type.byteSize() * 8;
                BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
                BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
                if (x.compareTo(min) < 0 || x.compareTo(max) > 0) {
                    throw InferenceException.invalid(where + " " + x + " is outside [" + min + ", " + max + "]");
                }
                long l = x.longValue();
                switch (type.byteSize()) {
                    case 1 -> b.put((byte) l);
                    case 2 -> b.putShort((short) l);
                    case 4 -> b.putInt((int) l);
                    default -> b.putLong(l);
                }
            }
        }
    }

    private static ArrayNode toJson(String name, DataType type, ByteBuffer raw) {
        ByteBuffer b = raw.order(ByteOrder.LITTLE_ENDIAN);
        ArrayNode a = JSON.createArrayNode();
        if (type == DataType.BYTES) {
            while (b.hasRemaining()) {
                byte[] e = new byte[b.getInt()];
                b.get(e);
                a.add(new String(e, StandardCharsets.UTF_8));
            }
            return a;
        }
        while (b.hasRemaining()) {
            switch (type) {
                case BOOL -> a.add(b.get() != 0);
                case FP32 -> a.add(b.getFloat());
                case FP64 -> a.add(b.getDouble());
                case FP16 -> a.add(Half.toFloat(b.getShort()));
                case BF16 -> a.add(Half.bf16ToFloat(b.getShort()));
                case INT8 -> a.add(b.get());
                case INT16 -> a.add(b.getShort());
                case INT32 -> a.add(b.getInt());
                case INT64 -> a.add(b.getLong());
                case UINT8 -> a.add(Byte.toUnsignedInt(b.get()));
                case UINT16 -> a.add(Short.toUnsignedInt(b.getShort()));
                case UINT32 -> a.add(Integer.toUnsignedLong(b.getInt()));
                case UINT64 -> a.add(new BigInteger(Long.toUnsignedString(b.getLong())));
                default -> throw new IllegalStateException("output '" + name + "': datatype " + type);
            }
        }
        return a;
    }

    private static void flatten(JsonNode n, List<JsonNode> out, String name) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                flatten(c, out, name);
            }
        } else if (n.isValueNode() && !n.isNull()) {
            out.add(n);
        } else {
            throw InferenceException.invalid("input '" + name + "': 'data' holds a " + n.getNodeType()
                    + "; it must be an array of values");
        }
    }

    /** An output parameter as its JSON value (the set member of the oneof). */
    private static JsonNode parameterValue(InferParameter p) {
        return switch (p.getParameterChoiceCase()) {
            case BOOL_PARAM -> JSON.getNodeFactory().booleanNode(p.getBoolParam());
            case INT64_PARAM -> JSON.getNodeFactory().numberNode(p.getInt64Param());
            case DOUBLE_PARAM -> JSON.getNodeFactory().numberNode(p.getDoubleParam());
            case UINT64_PARAM -> JSON.getNodeFactory().numberNode(new BigInteger(Long.toUnsignedString(p.getUint64Param())));
            case STRING_PARAM -> JSON.getNodeFactory().textNode(p.getStringParam());
            default -> JSON.getNodeFactory().nullNode();
        };
    }

    private static InferParameter parameter(JsonNode v, String where) {
        if (v.isBoolean()) {
            return InferParameter.newBuilder().setBoolParam(v.booleanValue()).build();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return InferParameter.newBuilder().setInt64Param(v.longValue()).build();
        }
        if (v.isNumber()) {
            return InferParameter.newBuilder().setDoubleParam(v.doubleValue()).build();
        }
        if (v.isTextual()) {
            return InferParameter.newBuilder().setStringParam(v.textValue()).build();
        }
        throw InferenceException.invalid(where + " must be a boolean, number or string, got " + v.getNodeType());
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode n, String where) {
        if (n == null) {
            return List.of();
        }
        if (!n.isObject()) {
            throw InferenceException.invalid(where + " must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        return () -> it;
    }

    private static String text(JsonNode n, String where) {
        if (n == null || !n.isTextual()) {
            throw InferenceException.invalid(where + " must be a string");
        }
        return n.textValue();
    }

    private static boolean bool(JsonNode n, String where) {
        if (!n.isBoolean()) {
            throw InferenceException.invalid(where + " must be true or false");
        }
        return n.booleanValue();
    }
}
