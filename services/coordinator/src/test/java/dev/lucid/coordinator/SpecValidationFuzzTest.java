package dev.lucid.coordinator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lucid.api.v1.EvaluationSpec;

/**
 * Fuzzes the coordinator's Submit boundary: an {@code EvaluationSpec} as bytes, checked by
 * {@link SpecPlanner#validate} before any peer is asked. A refusal is an {@link IllegalArgumentException}
 * that names the field; anything else is a finding.
 */
class SpecValidationFuzzTest {
    @FuzzTest
    void evaluationSpec(byte[] data) {
        EvaluationSpec spec;
        try {
            spec = EvaluationSpec.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        try {
            SpecPlanner.validate(spec, 100_000);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
    }
}
