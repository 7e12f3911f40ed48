package dev.lucid.evaluation;

import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real, private redis-server. */
class ContentStoreAndQueueTest {
    static RedisTestServer server;
    static UnifiedJedis redis;

    @BeforeAll
    static void start() throws Exception {
        server = RedisTestServer.start();
        redis = RedisClient.create("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        server.close();
    }

    @Test
    void imagesAndScoresAreWrittenOnce(@TempDir Path blobs) {
        ContentStore store = new ContentStore(redis, "t1:", blobs);
        byte[] png = {1, 2, 3};
        assertTrue(store.putImage("img-a", png));
        assertFalse(store.putImage("img-a", new byte[]{9}), "second write of the same key is a no-op");
        assertArrayEquals(png, store.getImage("img-a").orElseThrow());
        assertTrue(store.getImage("img-b").isEmpty());
        assertTrue(store.putScore("img-a", "fp1", "{\"p\":0.5}"));
        assertFalse(store.putScore("img-a", "fp1", "{\"p\":0.9}"));
        assertEquals("{\"p\":0.5}", store.getScore("img-a", "fp1").orElseThrow());
        assertTrue(store.getScore("img-a", "fp2").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.putImage("bad key!", png));
    }

    @Test
    void imagesAreReadInOneRoundTripWithTheirHashAndOldValuesStillRead(@TempDir Path blobs) {
        ContentStore store = new ContentStore(redis, "t5:", blobs);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 7, 7};
        byte[] big = new byte[ContentStore.INLINE_LIMIT + 1];
        new Random(5).nextBytes(big);
        store.putImage("img-new", png);
        store.putImage("img-big", big);
        // Written before images carried their hash: the PNG alone.
        redis.set("t5:img:img-old".getBytes(), png);
        assertTrue(redis.get("t5:img:img-new").startsWith("sha256=" + ContentStore.sha256(png) + "\n"), "stored with its hash");
        Map<String, ContentStore.StoredImage> got = store.getImages(List.of("img-new", "img-old", "img-none", "img-big", "img-new"));
        assertEquals(3, got.size(), "absent keys are left out, a repeated key is read once");
        for (String k : List.of("img-new", "img-old")) {
            assertArrayEquals(png, got.get(k).png(), k);
            assertEquals(ContentStore.sha256(png), got.get(k).sha256(), k);
        }
        assertArrayEquals(big, got.get("img-big").png());
        assertEquals(ContentStore.sha256(big), got.get("img-big").sha256());
        assertEquals(List.of(), List.copyOf(store.getImages(List.of()).values()));
        store.putScore("img-new", "fp", "{\"p\":1}");
        assertEquals(java.util.Arrays.asList("{\"p\":1}", null), store.getScores(List.of("img-new", "img-old"), "fp"));
    }

    @Test
    void largeImagesGoToTheBlobDirectory(@TempDir Path blobs) throws Exception {
        ContentStore store = new ContentStore(redis, "t2:", blobs);
        byte[] big = new byte[ContentStore.INLINE_LIMIT + 1];
        new Random(1).nextBytes(big);
        assertTrue(store.putImage("img-big", big));
        assertArrayEquals(big, store.getImage("img-big").orElseThrow());
        assertEquals(1, Files.list(blobs).count());
        assertTrue(redis.get("t2:img:img-big").startsWith("blob:"));
    }

    @Test
    void aCorruptOrMissingBlobIsNeverServedAndIsStoredAgain(@TempDir Path blobs) throws Exception {
        ContentStore store = new ContentStore(redis, "t3:", blobs);
        byte[] big = new byte[ContentStore.INLINE_LIMIT + 1];
        new Random(2).nextBytes(big);
        assertTrue(store.putImage("img-big", big));
        Path file;
        try (var files = Files.list(blobs)) {
            file = files.findFirst().orElseThrow();
        }
        byte[] flipped = big.clone();
        flipped[1000] ^= 1;
        Files.write(file, flipped);
        assertTrue(store.getImage("img-big").isEmpty(), "a blob failing its hash is reported absent, not served");
        assertFalse(Files.exists(file), "the corrupt file is removed");
        assertFalse(redis.exists("t3:img:img-big"), "and its reference dropped");
        assertTrue(store.putImage("img-big", big), "so generating it again stores it");
        assertArrayEquals(big, store.getImage("img-big").orElseThrow());
        assertArrayEquals(big, Files.readAllBytes(file));

        Files.delete(file);
        assertTrue(store.getImage("img-big").isEmpty(), "a missing blob is absent too");
        assertFalse(redis.exists("t3:img:img-big"));
    }

    @Test
    void itemsGoToOneConsumerAndAreReclaimedFromADeadOne() throws Exception {
        WorkQueue q = new WorkQueue(redis, "t3:work", "coordinators");
        new WorkQueue(redis, "t3:work", "coordinators"); // creating the group twice is fine
        for (int i = 0; i < 5; i++) {
            q.add(Map.of("item", "i" + i));
        }
        List<WorkQueue.Delivery> a = q.read("a", 3, 100);
        List<WorkQueue.Delivery> b = q.read("b", 10, 100);
        assertEquals(3, a.size());
        assertEquals(2, b.size());
        assertEquals("i0", a.get(0).fields().get("item"));
        assertEquals("i3", b.get(0).fields().get("item"));
        assertTrue(q.read("c", 10, 50).isEmpty(), "nothing left undelivered");
        q.ack(b.get(0).id(), b.get(1).id());
        assertEquals(3, q.pending());
        // consumer "a" dies without acknowledging; after the idle limit "c" takes its items over
        Thread.sleep(150);
        List<WorkQueue.Delivery> taken = q.reclaim("c", 100, 10);
        assertEquals(List.of("i0", "i1", "i2"), taken.stream().map(d -> d.fields().get("item")).toList());
        assertTrue(q.reclaim("d", 10_000, 10).isEmpty(), "fresh claims are not taken again");
        q.ack(taken.stream().map(WorkQueue.Delivery::id).toArray(redis.clients.jedis.StreamEntryID[]::new));
        assertEquals(0, q.pending());
        assertEquals(5, q.length());
        // Redis loses everything (a restart without persistence): the queue recreates its group.
        redis.del("t3:work");
        q.add(Map.of("item", "after"));
        assertEquals("after", q.read("a", 1, 100).get(0).fields().get("item"));
        redis.del("t3:work");
        assertTrue(q.reclaim("a", 0, 10).isEmpty());
    }

    @Test
    void backlogCountsUndeliveredAndUnacknowledgedItems() {
        WorkQueue q = new WorkQueue(redis, "t4:work", "coordinators");
        assertEquals(0, q.backlog(), "an empty stream has no backlog");
        for (int i = 0; i < 7; i++) {
            q.add(Map.of("item", "i" + i));
        }
        assertEquals(7, q.backlog());
        List<WorkQueue.Delivery> a = q.read("a", 3, 100);
        assertEquals(7, q.backlog(), "delivered but unacknowledged items are still to do");
        q.ack(a.get(0).id(), a.get(1).id());
        assertEquals(5, q.backlog());
        q.ack(a.get(2).id());
        q.ack(q.read("b", 10, 100).stream().map(WorkQueue.Delivery::id).toArray(redis.clients.jedis.StreamEntryID[]::new));
        assertEquals(0, q.backlog());
        redis.del("t4:work");
        assertEquals(0, q.backlog(), "a stream Redis lost has no backlog");
    }

    @Test
    void claimsOfLiveItemsAreRenewedAndConsumersOfStoppedProcessesRemoved() throws Exception {
        WorkQueue q = new WorkQueue(redis, "t5:work", "coordinators");
        for (int i = 0; i < 3; i++) {
            q.add(Map.of("n", Integer.toString(i)));
        }
        List<WorkQueue.Delivery> live = q.read("live", 1, 50);
        List<WorkQueue.Delivery> done = q.read("stopped", 1, 50);
        q.ack(done.get(0).id());
        Thread.sleep(150);
        q.touch("live", List.of(live.get(0).id()));
        assertTrue(q.reclaim("other", 100, 10).stream().noneMatch(d -> d.id().equals(live.get(0).id())),
                "a renewed claim is not reclaimed");
        assertEquals(1, q.removeIdleConsumers(100, java.util.Set.of()), "only the consumer that holds nothing and is silent");
        assertFalse(q.consumers().contains("stopped"));
        assertTrue(q.consumers().contains("live"), "a consumer holding items stays");
    }
}
