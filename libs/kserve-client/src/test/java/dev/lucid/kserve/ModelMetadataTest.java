package dev.lucid.kserve;

import inference.GrpcService.ModelMetadataResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelMetadataTest {
    static final ModelMetadata MD = ModelMetadata.fromProto(ModelMetadataResponse.newBuilder().setName("m")
            .addVersions("1").setPlatform("onnxruntime_onnx")
            .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("x").setDatatype("FP32").addShape(-1).addShape(4))
            .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("t").setDatatype("INT64").addShape(-1).addShape(1))
            .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("y").setDatatype("FP32").addShape(-1).addShape(4))
            .build());

    private static String refusal(InferenceRequest.Builder b) {
        return assertThrows(TensorFormatException.class, () -> MD.validate(b.build())).getMessage();
    }

    @Test
    void acceptsMatchingRequest() {
        MD.validate(InferenceRequest.builder("m").input(Tensor.ofFloats("x", TensorShape.of(3, 4), new float[12]))
                .input(Tensor.ofLongs("t", TensorShape.of(3, 1), 1, 2, 3)).output("y").build());
    }

    @Test
    void refusalsNameTheTensor() {
        assertEquals("input 'x' of model 'm' has shape [3, 5], expected [-1, 4]", refusal(InferenceRequest.builder("m")
                .input(Tensor.ofFloats("x", TensorShape.of(3, 5), new float[15]))
                .input(Tensor.ofLongs("t", TensorShape.of(3, 1), 1, 2, 3))));
        assertEquals("input 'x' of model 'm' must be FP32, got INT32", refusal(InferenceRequest.builder("m")
                .input(Tensor.ofInts("x", TensorShape.of(1, 4), new int[4]))));
        assertEquals("model 'm' needs input 't'", refusal(InferenceRequest.builder("m")
                .input(Tensor.ofFloats("x", TensorShape.of(1, 4), new float[4]))));
        assertEquals("model 'm' has no output 'z'", refusal(InferenceRequest.builder("m")
                .input(Tensor.ofFloats("x", TensorShape.of(1, 4), new float[4]))
                .input(Tensor.ofLongs("t", TensorShape.of(1, 1), 1)).output("z")));
        assertEquals("input 'x' given twice", refusal(InferenceRequest.builder("m")
                .input(Tensor.ofFloats("x", TensorShape.of(1, 4), new float[4]))
                .input(Tensor.ofFloats("x", TensorShape.of(1, 4), new float[4]))));
        String unknown = refusal(InferenceRequest.builder("m").input(Tensor.ofFloats("q", TensorShape.of(1), 1f)));
        assertEquals(true, unknown.startsWith("model 'm' has no input 'q'"), unknown);
    }
}
