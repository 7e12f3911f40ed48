package dev.lucid.kserve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import inference.GrpcService.ModelInferResponse;

import java.util.List;

/**
 * Fuzzes the tensor codec on what a backend sends back: a {@code ModelInferResponse} as bytes, decoded from raw
 * or typed contents and read by its own type. A decoded tensor must be readable; anything but a
 * {@link TensorFormatException} naming the tensor is a finding.
 */
class TensorCodecFuzzTest {
    @FuzzTest
    void modelInferResponse(byte[] data) {
        ModelInferResponse response;
        try {
            response = ModelInferResponse.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        List<Tensor> outputs;
        try {
            outputs = TensorCodec.decodeOutputs(response);
        } catch (TensorFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
            return;
        }
        for (Tensor t : outputs) {
            switch (t.dataType()) {
                case FP32, FP16, BF16 -> t.floats();
                case FP64 -> t.doubles();
                case INT32 -> t.ints();
                case INT64 -> t.longs();
                case UINT8 -> t.uint8();
                case BOOL -> t.bools();
                case BYTES -> t.strings();
                default -> t.rawData();
            }
        }
    }
}
