package dev.lucid.generator;

import dev.lucid.api.v1.EncodePromptsRequest;
import dev.lucid.api.v1.GenerateRequest;
import dev.lucid.api.v1.GenerateResponse;
import dev.lucid.api.v1.GenerationItem;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.ListModelsRequest;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.SafetyGuidance;
import dev.lucid.image.PngCodec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import dev.lucid.testsupport.InferenceBackendResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator service over a real KServe v2 backend with the toy models. */
@QuarkusTest
@QuarkusTestResource(value = InferenceBackendResource.class,
        initArgs = @ResourceArg(name = "property", value = "lucid.generator.backend-port"))
class GeneratorEndpointTest {
    static ManagedChannel channel;
    static GeneratorGrpc.GeneratorBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18021).usePlaintext().build();
        stub = GeneratorGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static GenerateRequest.Builder request(String model) {
        return GenerateRequest.newBuilder().setModel(ModelRef.newBuilder().setName(model))
                .setParams(GenerationParams.newBuilder().setSteps(8).setGuidanceScale(4))
                .addItems(GenerationItem.newBuilder().setPromptId("p1").setPrompt("a red circle").setSeed(1))
                .addItems(GenerationItem.newBuilder().setPromptId("p2").setPrompt("a white skull").setSeed(2))
                .setIncludePng(true);
    }

    @Test
    void listsTheCatalog() {
        var models = stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertEquals(3, models.size());
        assertEquals("toy", models.get(0).getModel().getName());
        assertEquals("toy_denoiser", models.get(0).getDenoiser());
        assertEquals(List.of("", "toy_text_encoder"), models.subList(1, 3).stream().map(m -> m.getTextEncoder()).toList(),
                "a pipeline lists the text encoder its catalog entry names");
    }

    @Test
    void generatesDeterministicPngsWithContentHashes() {
        GenerateResponse a = stub.generate(request("toy").build());
        GenerateResponse b = stub.generate(request("toy").build());
        assertEquals(2, a.getImagesCount());
        assertEquals(64, a.getModel().getFingerprint().length());
        for (int i = 0; i < 2; i++) {
            assertEquals(a.getImages(i).getSha256(), b.getImages(i).getSha256());
            assertEquals(a.getImages(i).getKey(), b.getImages(i).getKey());
            assertEquals(PngCodec.sha256(a.getImages(i).getPng().toByteArray()), a.getImages(i).getSha256());
            assertEquals(8, PngCodec.decode(a.getImages(i).getPng().toByteArray()).width());
        }
        assertNotEquals(a.getImages(0).getKey(), a.getImages(1).getKey());
        GenerateResponse sld = stub.generate(request("toy").setParams(GenerationParams.newBuilder().setSteps(8)
                .setGuidanceScale(4).setSafetyGuidance(SafetyGuidance.newBuilder().setConcept("a skull").setPreset("strong")))
                .build());
        assertNotEquals(a.getImages(1).getKey(), sld.getImages(1).getKey());
        // Guidance left 0 is the model's own default; the toy denoiser names none, so Lucid's default (4) applies.
        GenerateResponse unset = stub.generate(request("toy").setParams(GenerationParams.newBuilder().setSteps(8)).build());
        assertEquals(a.getImages(0).getKey(), unset.getImages(0).getKey());
        GenerateResponse noPng = stub.generate(request("toy").setIncludePng(false).build());
        assertTrue(noPng.getImages(0).getPng().isEmpty());
        assertEquals(a.getImages(0).getSha256(), noPng.getImages(0).getSha256());
    }

    @Test
    void pipelineModelsToo() {
        GenerateResponse r = stub.generate(request("toy-pipe").build());
        assertEquals(4, r.getImages(0).getWidth());
    }

    @Test
    void embeddings() {
        var r = stub.encodePrompts(EncodePromptsRequest.newBuilder().setModel(ModelRef.newBuilder().setName("toy"))
                .addPrompts("a").addPrompts("two").build());
        assertEquals(8, r.getDimension());
        assertEquals(2, r.getEmbeddingsCount());
    }

    @Test
    void moreThan1024PromptsInOneRequestEqualTheirEmbeddingsAlone() {
        java.util.List<String> prompts = java.util.stream.IntStream.range(0, 3000)
                .mapToObj(i -> (i % 3 == 0 ? "a red circle " : i % 3 == 1 ? "two white skulls " : "a blue square ")
                        + (i % 7 < 3 ? "on the left" : "in the center") + (i % 11 == 0 ? " and a face" : "")).toList();
        long t0 = System.nanoTime();
        var all = stub.encodePrompts(EncodePromptsRequest.newBuilder().setModel(ModelRef.newBuilder().setName("toy"))
                .addAllPrompts(prompts).setSequence(true).build());
        System.out.printf("EncodePrompts: 3000 prompts (sequence, %d values each) in one request: %d ms%n", all.getDimension(),
                (System.nanoTime() - t0) / 1_000_000);
        assertEquals(3000, all.getEmbeddingsCount());
        assertEquals(16 * 8, all.getDimension());
        for (int i : new int[]{0, 255, 256, 1023, 1024, 1500, 2999}) {
            var one = stub.encodePrompts(EncodePromptsRequest.newBuilder().setModel(ModelRef.newBuilder().setName("toy"))
                    .addPrompts(prompts.get(i)).setSequence(true).build());
            assertEquals(one.getEmbeddings(0), all.getEmbeddings(i), "prompt " + i);
        }
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> stub.encodePrompts(
                EncodePromptsRequest.newBuilder().setModel(ModelRef.newBuilder().setName("toy"))
                        .addAllPrompts(java.util.Collections.nCopies(65_537, "a")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
        assertEquals("prompts: between 1 and 65536 prompts, got 65537", tooMany.getStatus().getDescription());
    }

    @Test
    void aPipelineEmbedsWithTheTextEncoderItsCatalogEntryNames() {
        var req = EncodePromptsRequest.newBuilder().addPrompts("a red circle").addPrompts("two white skulls");
        var pipe = stub.encodePrompts(req.setModel(ModelRef.newBuilder().setName("toy-pipe-enc")).build());
        var components = stub.encodePrompts(req.setModel(ModelRef.newBuilder().setName("toy")).build());
        assertEquals(components.getEmbeddingsList(), pipe.getEmbeddingsList());
        assertEquals("toy_text_encoder", stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getModel().getName().equals("toy-pipe-enc")).findFirst().orElseThrow().getTextEncoder());
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> stub.encodePrompts(
                req.setModel(ModelRef.newBuilder().setName("toy-pipe")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, none.getStatus().getCode());
        assertTrue(none.getStatus().getDescription().startsWith("pipeline model 'toy-pipe' exposes no text encoder"),
                none.getStatus().getDescription());
    }

    private static StatusRuntimeException refused(GenerateRequest r) {
        return assertThrows(StatusRuntimeException.class, () -> stub.generate(r));
    }

    @Test
    void badRequestsNameTheField() {
        StatusRuntimeException unknown = refused(request("nope").build());
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().startsWith("model.name: unknown model 'nope'"));
        StatusRuntimeException steps = refused(request("toy").setParams(GenerationParams.newBuilder().setSteps(5000)).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, steps.getStatus().getCode());
        assertEquals("params.steps: must be in 1..1000, got 5000", steps.getStatus().getDescription());
        StatusRuntimeException seed = refused(request("toy").addItems(GenerationItem.newBuilder().setPrompt("x").setSeed(-4)).build());
        assertEquals("items[2]: seed must be >= 0, got -4", seed.getStatus().getDescription());
        StatusRuntimeException big = refused(request("toy").addItems(GenerationItem.newBuilder()
                .setPrompt("x".repeat(2001))).build());
        assertTrue(big.getStatus().getDescription().startsWith("items[2]: prompt missing or longer than 2000"));
        StatusRuntimeException preset = refused(request("toy").setParams(GenerationParams.newBuilder()
                .setSafetyGuidance(SafetyGuidance.newBuilder().setConcept("x").setPreset("extreme"))).build());
        assertTrue(preset.getStatus().getDescription().startsWith("params.safety_guidance: unknown SLD preset"));
        StatusRuntimeException negative = refused(request("toy-pipe").setParams(GenerationParams.newBuilder()
                .setNegativePrompt("ugly")).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());
    }

    /** Count of one gRPC method's calls with one status in the Prometheus scrape, 0 when absent. */
    static long grpcCalls(String scrape, String method, String status) {
        Matcher m = Pattern.compile("(?m)^grpc_server_processing_duration_seconds_count\\{([^}]*)\\} ([0-9.E+]+)$").matcher(scrape);
        long n = 0;
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("method=\"" + method + "\"") && labels.contains("statusCode=\"" + status + "\"")) {
                n += (long) Double.parseDouble(m.group(2));
            }
        }
        return n;
    }

    static String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:18022/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void prometheusCountsEachRpcByMethodAndStatus() throws Exception {
        String before = scrape();
        long okBefore = grpcCalls(before, "ListModels", "OK");
        long badBefore = grpcCalls(before, "Generate", "INVALID_ARGUMENT");
        stub.listModels(ListModelsRequest.getDefaultInstance());
        stub.listModels(ListModelsRequest.getDefaultInstance());
        assertThrows(StatusRuntimeException.class, () -> stub.generate(request("toy")
                .setParams(GenerationParams.newBuilder().setSteps(5000)).build()));
        String after = scrape();
        assertEquals(okBefore + 2, grpcCalls(after, "ListModels", "OK"), after);
        assertEquals(badBefore + 1, grpcCalls(after, "Generate", "INVALID_ARGUMENT"));
        // Latency is recorded per method too (the histogram's sum is there next to its count).
        assertTrue(after.lines().anyMatch(l -> l.startsWith("grpc_server_processing_duration_seconds_sum{")
                && l.contains("method=\"ListModels\"")));
    }
}
