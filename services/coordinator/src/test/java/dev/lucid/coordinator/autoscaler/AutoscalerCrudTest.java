package dev.lucid.coordinator.autoscaler;

import dev.lucid.coordinator.Evaluations;
import dev.lucid.evaluation.WorkQueue;
import dev.lucid.testsupport.RedisResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import io.fabric8.mockwebserver.http.RecordedRequest;
import redis.clients.jedis.StreamEntryID;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autoscaler against fabric8's mock API server in CRUD mode, with the backlog in a real Redis. */
@QuarkusTest
@TestProfile(ScalingProfile.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = RedisResource.class, initArgs = @ResourceArg(name = "property", value = "lucid.coordinator.redis-port"))
class AutoscalerCrudTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    Autoscaler autoscaler;

    @Inject
    Evaluations evaluations;

    @Inject
    MeterRegistry registry;

    static Deployment deployment(String name, String owner, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("test")
                .addToAnnotations(DeploymentScales.OWNER_ANNOTATION, owner).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app.kubernetes.io/name", name)
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app.kubernetes.io/name", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("lucid/" + name + ":0.1.0").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    int replicas(String name) {
        return server.getClient().apps().deployments().inNamespace("test").withName(name).get().getSpec().getReplicas();
    }

    double scalings(String direction) {
        var c = registry.find("lucid.autoscaler.scalings").tags("deployment", "generator", "direction", direction).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void backlogUpScalesUpWithinMaxAndBacklogGoneScalesDownAfterTheCooldown() throws InterruptedException {
        server.getClient().apps().deployments().inNamespace("test").resource(deployment("generator", "backlog", 1)).create();
        server.getClient().apps().deployments().inNamespace("test").resource(deployment("safety", "hpa", 1)).create();
        assertTrue(autoscaler.active());
        WorkQueue queue = evaluations.queue();
        for (int i = 0; i < 600; i++) {
            queue.add(Map.of("eval", "e", "model", "m", "prompt", "p" + i, "seed", "1"));
        }
        assertEquals(600, queue.backlog());

        // 600 items x 1 s / 60 s = 10 replicas wanted, max 4, at most 2 more per step
        Map<String, ScaleDecision> d = autoscaler.tick(T0);
        assertEquals(4, d.get("generator").wanted());
        assertEquals(3, replicas("generator"));
        assertFalse(d.containsKey("safety"), "the HPA's deployment is left alone");
        assertEquals(1, replicas("safety"));
        autoscaler.tick(T0.plusSeconds(10));
        assertEquals(3, replicas("generator"), "scale-up cooldown (30 s)");
        autoscaler.tick(T0.plusSeconds(30));
        assertEquals(4, replicas("generator"), "up to max");
        autoscaler.tick(T0.plusSeconds(40));
        assertEquals(4, replicas("generator"), "never above max");
        assertEquals(2.0, scalings("up"));
        assertEquals(4.0, registry.get("lucid.autoscaler.replicas.wanted").tag("deployment", "generator").gauge().value());

        // the backlog is worked off (every item read and acknowledged)
        List<WorkQueue.Delivery> all = queue.read("test-consumer", 1000, 100);
        assertEquals(600, all.size());
        queue.ack(all.stream().map(WorkQueue.Delivery::id).toArray(StreamEntryID[]::new));
        assertEquals(0, queue.backlog());
        autoscaler.tick(T0.plusSeconds(50));
        assertEquals(4, replicas("generator"), "backlog gone, but the scale-down cooldown (300 s) runs from T0+40 s");
        autoscaler.tick(T0.plusSeconds(339));
        assertEquals(4, replicas("generator"));
        autoscaler.tick(T0.plusSeconds(340));
        assertEquals(2, replicas("generator"), "down by at most 2");
        autoscaler.tick(T0.plusSeconds(639));
        assertEquals(2, replicas("generator"), "the cooldown counts from the last change");
        autoscaler.tick(T0.plusSeconds(640));
        assertEquals(1, replicas("generator"), "down to min");
        autoscaler.tick(T0.plusSeconds(2000));
        assertEquals(1, replicas("generator"), "never below min");
        assertEquals(2.0, scalings("down"));
        assertEquals(1, replicas("safety"));
        assertEquals(1.0, registry.get("lucid.autoscaler.active").gauge().value());

        // least privilege in practice: reads, and merge patches of the scale subresource; never PUT or DELETE
        List<String> patches = new ArrayList<>();
        int posts = 0;
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            switch (r.getMethod()) {
                case "GET" -> assertTrue(r.getPath().startsWith("/apis/apps/v1/namespaces/test/deployments/"), r.getPath());
                case "POST" -> posts++; // the test's own creates
                case "PATCH" -> {
                    assertEquals("/apis/apps/v1/namespaces/test/deployments/generator/scale", r.getPath());
                    assertTrue(r.getHeader("Content-Type").startsWith("application/merge-patch+json"), r.getHeader("Content-Type"));
                    patches.add(r.getPath()); // (the CRUD dispatcher consumes the body; the replicas above show its effect)
                }
                default -> throw new AssertionError("unexpected " + r.getMethod() + " " + r.getPath());
            }
        }
        assertEquals(2, posts);
        assertEquals(4, patches.size(), "one patch per change: 1->3, 3->4, 4->2, 2->1");
    }
}
