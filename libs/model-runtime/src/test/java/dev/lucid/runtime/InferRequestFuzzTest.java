package dev.lucid.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorCodec;
import dev.lucid.kserve.TensorFormatException;
import inference.GrpcService.ModelInferRequest;
import inference.ModelConfigOuterClass.ModelConfig;

import java.util.List;

/**
 * Fuzzes the inference server's request boundary: a {@code ModelInferRequest} as bytes, decoded by the tensor
 * codec and checked by {@link RequestValidator} against a model with a float and a string input. Anything
 * but the documented refusals (bad protobuf, {@link TensorFormatException}, {@link InferenceException}) is a finding.
 */
class InferRequestFuzzTest {
    static final ModelConfig CONFIG;

    static {
        try {
            CONFIG = ModelConfigParser.parse("""
                    name: "m"
                    max_batch_size: 8
                    input [ { name: "x" data_type: TYPE_FP32 dims: [ 2, -1 ] },
                            { name: "s" data_type: TYPE_STRING dims: [ 1 ] optional: true } ]
                    output [ { name: "y" data_type: TYPE_FP32 dims: [ 2 ] } ]
                    """, "m");
        } catch (ModelLoadException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void modelInferRequest(byte[] data) {
        ModelInferRequest request;
        try {
            request = ModelInferRequest.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        try {
            List<Tensor> inputs = TensorCodec.decodeInputs(request);
            for (Tensor t : inputs) {
                t.elementCount();
            }
            RequestValidator.validate(CONFIG, inputs, request.getOutputsList().stream()
                    .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList());
        } catch (TensorFormatException | InferenceException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
    }
}
