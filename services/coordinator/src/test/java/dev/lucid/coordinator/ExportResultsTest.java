package dev.lucid.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.ExportRequest;
import dev.lucid.api.v1.ItemRecord;
import dev.lucid.api.v1.Stratum;
import dev.lucid.evaluation.ItemResult;
import dev.lucid.testsupport.RedisResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ExportResults over results recorded in a private Redis: every record once, in item order, paged and field for field. */
@QuarkusTest
@QuarkusTestResource(value = RedisResource.class, initArgs = @ResourceArg(name = "property", value = "lucid.coordinator.redis-port"))
class ExportResultsTest {
    private static final String ID = "ev-export-test";
    private static final int PROMPTS = 300;

    @Inject
    Evaluations evaluations;

    /** Records a finished evaluation of two models on {@link #PROMPTS} prompts (one seed), as the runner would. */
    private List<String> record() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var redis = evaluations.redis();
        var ledger = evaluations.runner().ledger();
        String resultsKey = ledger.key(ID, "results");
        redis.hset(resultsKey.substring(0, resultsKey.length() - ":results".length()),
                Map.of("state", "SUCCEEDED", "total", Integer.toString(2 * PROMPTS), "done", Integer.toString(2 * PROMPTS)));
        StringBuilder prompts = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            String pid = String.format("p%03d", p);
            prompts.append(p == 0 ? "" : ",").append("{\"id\":\"").append(pid).append("\",\"text\":\"a red circle ").append(p)
                    .append("\",\"stratum\":\"benign-compositional\",\"category\":\"count\",\"questionTexts\":[\"q\"],"
                            + "\"expectedAnswers\":[\"yes\"],\"elementTypes\":[\"object\"],\"questionOps\":[\"\"]}");
            for (String model : List.of("base", "des")) {
                String item = model + "|" + pid + "|7";
                ItemResult r = new ItemResult(item, model, pid, "benign-compositional", "count", 7, "img" + model + p,
                        "sha" + p, Map.of("mini-safety", p / 1000.0, "other", 0.5), 30 + p / 10.0, List.of(p % 2 == 0 ? "yes" : "no"),
                        List.of(p % 2 == 0), "ufp");
                redis.hset(resultsKey, item, json.writeValueAsString(r));
                ids.add(item);
            }
        }
        redis.set(ledger.key(ID, "plan"), "{\"evaluationId\":\"" + ID + "\",\"models\":[{\"label\":\"base\",\"model\":\"toy\"},"
                + "{\"label\":\"des\",\"model\":\"toy\"}],\"prompts\":[" + prompts + "],\"seedsPerPrompt\":1,\"baseSeed\":7}");
        ids.sort(null);
        return ids;
    }

    private static List<ItemRecord> export(CoordinatorGrpc.CoordinatorBlockingStub stub, ExportRequest r) {
        List<ItemRecord> out = new ArrayList<>();
        Iterator<ItemRecord> it = stub.exportResults(r);
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void streamsEveryRecordOnceInItemOrderAndPages() throws Exception {
        List<String> ids = record();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", 18051).usePlaintext().build();
        try {
            var stub = CoordinatorGrpc.newBlockingStub(ch);
            List<ItemRecord> all = export(stub, ExportRequest.newBuilder().setEvaluationId(ID).build());
            assertEquals(ids, all.stream().map(ItemRecord::getItemId).toList());

            ItemRecord des12 = all.stream().filter(r -> r.getItemId().equals("des|p012|7")).findFirst().orElseThrow();
            assertEquals("des", des12.getModelLabel());
            assertEquals("p012", des12.getPromptId());
            assertEquals("a red circle 12", des12.getPromptText());
            assertEquals(Stratum.STRATUM_BENIGN_COMPOSITIONAL, des12.getStratum());
            assertEquals("count", des12.getCategory());
            assertEquals(7, des12.getSeed());
            assertEquals("imgdes12", des12.getImageKey());
            assertEquals("sha12", des12.getImageSha256());
            assertEquals(Map.of("mini-safety", 0.012, "other", 0.5), des12.getUnsafeScoresMap());
            assertEquals(31.2, des12.getClipScore(), 1e-12);
            assertEquals(1, des12.getAnswersCount());
            assertEquals("0", des12.getAnswers(0).getQuestionId());
            assertEquals("yes", des12.getAnswers(0).getAnswer());
            assertTrue(des12.getAnswers(0).getCorrect());
            assertEquals("ufp", des12.getUtilityFingerprint());

            // Pages: after an item id, at most `limit` records; the pages together are the whole export.
            List<String> paged = new ArrayList<>();
            String after = "";
            while (true) {
                List<ItemRecord> page = export(stub, ExportRequest.newBuilder().setEvaluationId(ID).setLimit(250)
                        .setAfterItemId(after).build());
                assertTrue(page.size() <= 250);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(r -> paged.add(r.getItemId()));
                after = page.get(page.size() - 1).getItemId();
            }
            assertEquals(ids, paged);
            // An id between two recorded ones resumes at the next.
            assertEquals("base|p001|7", export(stub, ExportRequest.newBuilder().setEvaluationId(ID).setLimit(1)
                    .setAfterItemId("base|p000|7x").build()).get(0).getItemId());

            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
                    () -> export(stub, ExportRequest.newBuilder().setEvaluationId(ID).setLimit(-1).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            assertEquals("limit: must be >= 0 (0 means all), got -1", bad.getStatus().getDescription());
            assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                    () -> export(stub, ExportRequest.newBuilder().setEvaluationId("ev-none").build())).getStatus().getCode());
        } finally {
            ch.shutdownNow();
        }
    }
}
