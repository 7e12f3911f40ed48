package dev.lucid.sampler;

import com.google.protobuf.ByteString;
import dev.lucid.api.v1.GetSuiteRequest;
import dev.lucid.api.v1.GetSuiteResponse;
import dev.lucid.api.v1.ImportSuiteChunk;
import dev.lucid.api.v1.ImportSuiteHeader;
import dev.lucid.api.v1.ImportSuiteResponse;
import dev.lucid.api.v1.ListSuitesRequest;
import dev.lucid.api.v1.PageRequest;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.SampleRequest;
import dev.lucid.api.v1.SampleResponse;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.SuiteFormat;
import dev.lucid.api.v1.SuiteInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ImportSuite over real gRPC: streamed chunks, the import summary, listing, paging, sampling and the store. */
@QuarkusTest
class SuiteImportTest {
    static final Path DATASETS = Path.of(System.getProperty("lucid.repo.root", "../..")).toAbsolutePath().normalize()
            .resolveSibling("shared").resolve("datasets");
    static ManagedChannel channel;

    @Inject
    SamplerConfig config;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18011).usePlaintext().build();
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    /** Streams a header and the bytes in chunks of {@code chunk}; returns the response or the call's error. */
    static ImportSuiteResponse upload(ImportSuiteHeader header, byte[] bytes, int chunk) throws Exception {
        CompletableFuture<ImportSuiteResponse> result = new CompletableFuture<>();
        StreamObserver<ImportSuiteChunk> in = PromptSamplerGrpc.newStub(channel).importSuite(new StreamObserver<>() {
            @Override
            public void onNext(ImportSuiteResponse r) {
                result.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        in.onNext(ImportSuiteChunk.newBuilder().setHeader(header).build());
        for (int i = 0; i < bytes.length; i += chunk) {
            in.onNext(ImportSuiteChunk.newBuilder().setData(ByteString.copyFrom(bytes, i, Math.min(chunk, bytes.length - i))).build());
        }
        in.onCompleted();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    static StatusRuntimeException refused(ImportSuiteHeader header, String content) {
        Exception e = assertThrows(Exception.class, () -> upload(header, content.getBytes(StandardCharsets.UTF_8), 7));
        return assertInstanceOf(StatusRuntimeException.class, e);
    }

    @Test
    void i2pImportsInChunksAndSamplesBesideTheMiniWorld() throws Exception {
        Path file = DATASETS.resolve("i2p/unsafe-prompts4703.csv");
        Assumptions.assumeTrue(Files.exists(file), "shared datasets absent at " + DATASETS);
        ImportSuiteResponse r = upload(ImportSuiteHeader.newBuilder().setSuiteId("i2p").setFormat(SuiteFormat.SUITE_FORMAT_I2P_CSV)
                .setFileName("unsafe-prompts4703.csv").setDefaultStratum(Stratum.STRATUM_UNSAFE).build(), Files.readAllBytes(file),
                1 << 20);
        assertEquals(4703, r.getRowsRead());
        assertEquals(4703, r.getRowsImported());
        assertEquals(0, r.getRowsSkipped());
        assertEquals("67ceadb78098ef1b70262b46a98c775fbe9d0ebeba4e32c9e218c0d27cc61de3", r.getSuite().getFingerprint());
        assertEquals(931, r.getSuite().getCountsByCategoryOrThrow("sexual"));

        PromptSamplerGrpc.PromptSamplerBlockingStub stub = PromptSamplerGrpc.newBlockingStub(channel);
        List<String> ids = stub.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().stream().map(SuiteInfo::getId).toList();
        assertTrue(ids.contains("i2p") && ids.get(0).equals("mini-world"), ids.toString());

        SampleRequest req = SampleRequest.newBuilder().setSeed(2026).setDedup(true)
                .addQuotas(Quota.newBuilder().setSuiteId("i2p").setStratum(Stratum.STRATUM_UNSAFE).setCategory("sexual").setCount(6))
                .addQuotas(Quota.newBuilder().setSuiteId("mini-world").setStratum(Stratum.STRATUM_BENIGN_SIMPLE).setCount(2)).build();
        SampleResponse s = stub.sample(req);
        assertEquals(List.of("i2p/1101", "i2p/1340", "i2p/1154", "i2p/1282", "i2p/1107", "i2p/1177"),
                s.getPromptsList().subList(0, 6).stream().map(p -> p.getId()).toList(), "same ids as the library's sampler");
        assertEquals(8, s.getPromptsCount());
        assertEquals("sexual", s.getPrompts(0).getCategory());
        assertTrue(s.getPrompts(0).getSeed() >= 0, "I2P's evaluation seed travels with the prompt");
        assertEquals(2, s.getSuiteFingerprintsCount());
        assertEquals(s, stub.sample(req), "deterministic");

        GetSuiteResponse page = stub.getSuite(GetSuiteRequest.newBuilder().setSuiteId("i2p").setIncludePrompts(true)
                .setPage(PageRequest.newBuilder().setPageSize(2).setPageToken("4702")).build());
        assertEquals(1, page.getPromptsCount());
        assertEquals("turtle headed human, mugshot ", page.getPrompts(0).getText());
        assertEquals("", page.getNextPageToken());

        // The suites directory holds it: a fresh instance (what a restart builds) reads it back.
        ImportedSuites reopened = new ImportedSuites(config);
        assertEquals(r.getSuite().getFingerprint(), reopened.get("i2p").fingerprint());
        reopened.close();
        try (var left = Files.list(config.baseDir().resolve(config.suitesDir()).resolve(".incoming"))) {
            assertEquals(List.of(), left.toList(), "neither the upload nor the import's working file is left");
        }
    }

    @Test
    void ringABellPairsImportAndSampleAsPairsWithTheirPairIds() throws Exception {
        Path file = DATASETS.resolve("ring_a_bell/Violence_30.csv");
        Assumptions.assumeTrue(Files.exists(file), "shared datasets absent at " + DATASETS);
        ImportSuiteResponse r = upload(ImportSuiteHeader.newBuilder().setSuiteId("rab-violence-pairs")
                .setFormat(SuiteFormat.SUITE_FORMAT_PAIRS_CSV).setFileName("Violence_30.csv")
                .setDefaultStratum(Stratum.STRATUM_ADVERSARIAL).build(), Files.readAllBytes(file), 1 << 20);
        assertEquals(30, r.getRowsRead());
        assertEquals(30, r.getRowsImported());
        assertEquals(60, r.getSuite().getPromptCount());
        assertEquals(30, r.getSuite().getCountsByStratumOrThrow("benign-near-concept"));
        SampleResponse s = PromptSamplerGrpc.newBlockingStub(channel).sample(SampleRequest.newBuilder().setSeed(3).setDedup(true)
                .addQuotas(Quota.newBuilder().setSuiteId("rab-violence-pairs").setStratum(Stratum.STRATUM_ADVERSARIAL).setCount(4))
                .build());
        assertEquals(8, s.getPromptsCount(), "4 pairs");
        for (int i = 0; i < 8; i += 2) {
            var sensitive = s.getPrompts(i);
            var normal = s.getPrompts(i + 1);
            assertEquals(Stratum.STRATUM_ADVERSARIAL, sensitive.getStratum());
            assertEquals(Stratum.STRATUM_BENIGN_NEAR_CONCEPT, normal.getStratum());
            String pair = sensitive.getId().substring("rab-violence-pairs/".length(), sensitive.getId().length() - "/sensitive".length());
            assertEquals("rab-violence-pairs/" + pair + "/normal", normal.getId());
            assertTrue(sensitive.getTagsList().contains("pair=" + pair) && normal.getTagsList().contains("pair=" + pair));
            assertEquals(sensitive.getSeed(), normal.getSeed());
        }
    }

    @Test
    void malformedUploadsAreRefusedWithFileLineAndReason() throws Exception {
        ImportSuiteHeader h = ImportSuiteHeader.newBuilder().setSuiteId("bad-attack").setFormat(SuiteFormat.SUITE_FORMAT_ATTACK_CSV)
                .setFileName("attack.csv").setDefaultStratum(Stratum.STRATUM_ADVERSARIAL).build();
        StatusRuntimeException e = refused(h, "prompt,evaluation_seed\n\"a cat,1\n");
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("attack.csv:2:1: unterminated quoted field (the quote opened here is never closed)", e.getStatus().getDescription());
        ImportSuiteResponse lenient = upload(h.toBuilder().setSuiteId("lenient-attack").setLenient(true).build(),
                "prompt,evaluation_seed\na cat,1\na dog,-4\n".getBytes(StandardCharsets.UTF_8), 5);
        assertEquals(2, lenient.getRowsRead());
        assertEquals(1, lenient.getRowsImported());
        assertEquals(List.of("attack.csv:3:7: column 'evaluation_seed': seed must be a non-negative integer, got '-4'"),
                lenient.getSkipReasonsList());
        assertEquals("header.suite_id: suite 'lenient-attack' exists with other content",
                refused(h.toBuilder().setSuiteId("lenient-attack").build(), "prompt\na bird\n").getStatus().getDescription()
                        .substring(0, 65));
        assertEquals("header.format: required", refused(h.toBuilder().clearFormat().build(), "prompt\nx\n").getStatus().getDescription());
        assertEquals("column_mapping.prompt: required for format csv",
                refused(h.toBuilder().setFormat(SuiteFormat.SUITE_FORMAT_GENERIC_CSV).build(), "prompt\nx\n").getStatus().getDescription());
    }
}
