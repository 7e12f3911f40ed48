package dev.lucid.coordinator;

import dev.lucid.api.v1.CancelRequest;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.GetReportRequest;
import dev.lucid.api.v1.ListRequest;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.SubmitRequest;
import dev.lucid.api.v1.WatchRequest;
import dev.lucid.testsupport.RedisResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coordinator with a private Redis and its peers down (they listen nowhere). */
@QuarkusTest
@QuarkusTestResource(value = RedisResource.class, initArgs = @ResourceArg(name = "property", value = "lucid.coordinator.redis-port"))
class CoordinatorEndpointTest {
    static ManagedChannel channel;
    static CoordinatorGrpc.CoordinatorBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18051).usePlaintext().build();
        stub = CoordinatorGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static EvaluationSpec valid() {
        return EvaluationSpec.newBuilder().setName("t").setBaseline("base")
                .addModels(EvaluatedModel.newBuilder().setLabel("base").setModel(ModelRef.newBuilder().setName("mini-base")))
                .addQuotas(Quota.newBuilder().setSuiteId("mini-world").setStratum(Stratum.STRATUM_UNSAFE).setCount(4))
                .setSeedsPerPrompt(2).setParams(GenerationParams.newBuilder().setSteps(25).setGuidanceScale(4)).build();
    }

    static String refusal(UnaryOperator<EvaluationSpec.Builder> change) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.submit(SubmitRequest.newBuilder().setSpec(change.apply(valid().toBuilder())).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        return e.getStatus().getDescription();
    }

    @Test
    void invalidSpecsAreRefusedNamingTheField() {
        assertEquals("seeds_per_prompt: must be in 1..16, got -1", refusal(b -> b.setSeedsPerPrompt(-1)));
        assertEquals("params.steps: must be in 1..1000, got 0", refusal(b -> b.setParams(b.getParams().toBuilder().setSteps(0))));
        assertEquals("quotas: at least one quota (a spec without prompts evaluates nothing)", refusal(b -> b.clearQuotas()));
        assertEquals("quotas[0].count: must be >= 1, got 0", refusal(b -> b.setQuotas(0, b.getQuotas(0).toBuilder().setCount(0))));
        assertTrue(refusal(b -> b.setBaseline("nope")).startsWith("baseline: must be one of the model labels"));
        assertEquals("models[0].params.negative_prompt: longer than 2000 characters", refusal(b -> b.setModels(0,
                b.getModels(0).toBuilder().setParams(GenerationParams.newBuilder().setNegativePrompt("x".repeat(2001))))));
        assertEquals("models[1].label: 'base' used twice", refusal(b -> b.addModels(b.getModels(0))));
        assertTrue(refusal(b -> b.setModels(0, b.getModels(0).toBuilder().setParams(GenerationParams.newBuilder()
                .setSafetyGuidance(dev.lucid.api.v1.SafetyGuidance.newBuilder().setConcept("skull").setPreset("extreme")))))
                .startsWith("models[0].params.safety_guidance: unknown SLD preset"));
    }

    @Test
    void peersDownGiveUnavailableWithinTheDeadline() {
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.submit(SubmitRequest.newBuilder().setSpec(valid()).build()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(seconds < 5, "answered after " + seconds + " s");
    }

    @Test
    void unknownEvaluations() {
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> stub.getReport(GetReportRequest.newBuilder().setEvaluationId("ev-none").build())).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> stub.cancel(CancelRequest.newBuilder().setEvaluationId("ev-none").build())).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> stub.watch(WatchRequest.newBuilder().setEvaluationId("ev-none").build()).next()).getStatus().getCode());
        assertEquals(0, stub.list(ListRequest.getDefaultInstance()).getEvaluationsCount());
    }

    @Test
    void evaluationIdIsTheSpecsHash() {
        assertEquals(SpecPlanner.evaluationId(valid()), SpecPlanner.evaluationId(valid().toBuilder().build()));
        assertTrue(!SpecPlanner.evaluationId(valid()).equals(SpecPlanner.evaluationId(valid().toBuilder().setSeedsPerPrompt(3).build())));
    }
}
