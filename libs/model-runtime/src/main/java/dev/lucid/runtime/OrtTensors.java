package dev.lucid.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Converts between Lucid tensors and ONNX Runtime tensors. */
final class OrtTensors {
    private OrtTensors() {
    }

    /** The protocol datatype of an ONNX tensor element type, or null when the protocol has none. */
    static DataType dataTypeOf(TensorInfo.OnnxTensorType t) {
        return switch (t) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
            default -> null;
        };
    }

    private static OnnxJavaType javaTypeOf(DataType t) {
        return switch (t) {
            case FP32 -> OnnxJavaType.FLOAT;
            case FP64 -> OnnxJavaType.DOUBLE;
            case FP16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw InferenceException.invalid("datatype " + t.wireName() + " is not supported by ONNX Runtime's Java API");
        };
    }

    /**
     * Creates an ORT tensor over {@code data} (a direct little-endian buffer is used without copying).
     * BYTES elements must be UTF-8, since ORT's Java API takes strings.
     */
    static OnnxTensor create(OrtEnvironment env, String name, DataType type, long[] shape, ByteBuffer data,
                             String[] strings) throws OrtException {
        if (type == DataType.BYTES) {
            return OnnxTensor.createTensor(env, strings, shape);
        }
        return OnnxTensor.createTensor(env, data.order(ByteOrder.nativeOrder()), shape, javaTypeOf(type));
    }

    /** Decodes BYTES elements as strict UTF-8. */
    static String[] utf8(String tensorName, byte[][] elements) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String[] out = new String[elements.length];
        for (int i = 0; i < elements.length; i++) {
            try {
                CharBuffer cb = dec.decode(ByteBuffer.wrap(elements[i]));
                out[i] = cb.toString();
            } catch (CharacterCodingException e) {
                throw InferenceException.invalid("tensor '" + tensorName + "': BYTES element " + i
                        + " is not valid UTF-8 (ONNX string tensors hold text)");
            }
        }
        return out;
    }

    /** Copies an ORT output into a Lucid tensor. */
    static Tensor toTensor(String name, OnnxTensor t) throws OrtException {
        TensorInfo info = t.getInfo();
        DataType type = dataTypeOf(info.onnxType);
        if (type == null) {
            throw new InferenceException(io.grpc.Status.Code.INTERNAL, "output '" + name + "' has unsupported type "
                    + info.onnxType);
        }
        TensorShape shape = TensorShape.of(info.getShape());
        if (type == DataType.BYTES) {
            List<String> flat = new ArrayList<>();
            flatten(t.getValue(), flat);
            return Tensor.ofStrings(name, shape, flat.toArray(new String[0]));
        }
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(name, type, shape, b);
    }

    private static void flatten(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof Object[] arr) {
            for (Object o : arr) {
                flatten(o, out);
            }
        }
    }
}
