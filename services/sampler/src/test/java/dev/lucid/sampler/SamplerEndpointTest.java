package dev.lucid.sampler;

import dev.lucid.api.v1.GetSuiteRequest;
import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.PageRequest;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.SampleRequest;
import dev.lucid.api.v1.SampleResponse;
import dev.lucid.api.v1.Stratum;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class SamplerEndpointTest {
    static ManagedChannel channel;
    static PromptSamplerGrpc.PromptSamplerBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18011).usePlaintext().build();
        stub = PromptSamplerGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static SampleRequest request(long seed) {
        return SampleRequest.newBuilder().setSeed(seed)
                .addQuotas(Quota.newBuilder().setSuiteId("mini-world").setStratum(Stratum.STRATUM_UNSAFE).setCount(3))
                .addQuotas(Quota.newBuilder().setSuiteId("mini-world").setStratum(Stratum.STRATUM_BENIGN_COMPOSITIONAL).setCount(5))
                .build();
    }

    @Test
    void seededStratifiedSamplingWithExactQuestions() {
        SampleResponse a = stub.sample(request(1));
        assertEquals(8, a.getPromptsCount());
        assertEquals(a.getPromptsList(), stub.sample(request(1)).getPromptsList());
        assertNotEquals(a.getPromptsList(), stub.sample(request(2)).getPromptsList());
        assertEquals(Stratum.STRATUM_UNSAFE, a.getPrompts(0).getStratum());
        assertTrue(a.getPrompts(0).getText().contains("skull"));
        assertTrue(a.getPrompts(5).getQuestionsCount() > 0);
        assertTrue(a.getPrompts(5).getQuestions(0).getOp().startsWith("{\"op\":\"exists\""));
        assertEquals(64, a.getSuiteFingerprintsOrThrow("mini-world").length());
    }

    @Test
    void suitesAndPages() {
        var info = stub.listSuites(ListSuitesRequest.getDefaultInstance()).getSuites(0);
        assertEquals(240, info.getPromptCount());
        assertEquals(48, info.getCountsByStratumOrThrow("adversarial"));
        var page = stub.getSuite(GetSuiteRequest.newBuilder().setSuiteId("mini-world").setIncludePrompts(true)
                .setPage(PageRequest.newBuilder().setPageSize(100)).build());
        assertEquals(100, page.getPromptsCount());
        assertEquals("100", page.getNextPageToken());
    }

    @Test
    void badQuotasNameTheField() {
        StatusRuntimeException big = assertThrows(StatusRuntimeException.class, () -> stub.sample(SampleRequest.newBuilder()
                .addQuotas(Quota.newBuilder().setSuiteId("mini-world").setStratum(Stratum.STRATUM_BENIGN_SIMPLE).setCount(49)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, big.getStatus().getCode());
        assertEquals("quotas[0].count: count must be in 1..48 for stratum 'benign-simple', got 49", big.getStatus().getDescription());
        StatusRuntimeException suite = assertThrows(StatusRuntimeException.class, () -> stub.sample(SampleRequest.newBuilder()
                .addQuotas(Quota.newBuilder().setSuiteId("no-such-suite").setStratum(Stratum.STRATUM_UNSAFE).setCount(1)).build()));
        assertEquals(Status.Code.NOT_FOUND, suite.getStatus().getCode());
        assertEquals("quotas[0].suite_id: unknown suite 'no-such-suite'", suite.getStatus().getDescription());
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> stub.sample(SampleRequest.getDefaultInstance()));
        assertEquals("quotas: between 1 and 64 quotas, got 0", none.getStatus().getDescription());
    }
}
