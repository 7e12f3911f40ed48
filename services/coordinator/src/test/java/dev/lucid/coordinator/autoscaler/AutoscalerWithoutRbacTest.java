package dev.lucid.coordinator.autoscaler;

import dev.lucid.api.v1.CoordinatorGrpc;
import dev.lucid.api.v1.ListRequest;
import dev.lucid.coordinator.Evaluations;
import dev.lucid.testsupport.RedisResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service account without the Role: the API server answers 403 to every deployment read. The autoscaler
 * reports it once with what to grant, counts it in a metric, and the coordinator keeps serving.
 */
@QuarkusTest
@TestProfile(ScalingProfile.class)
@WithKubernetesTestServer(crud = false, setup = AutoscalerWithoutRbacTest.Forbidden.class)
@QuarkusTestResource(value = RedisResource.class, initArgs = @ResourceArg(name = "property", value = "lucid.coordinator.redis-port"))
class AutoscalerWithoutRbacTest {
    /** Every deployment GET is forbidden, as for a service account without the Role. */
    public static class Forbidden implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            for (String name : List.of("generator", "safety")) {
                server.expect().get().withPath("/apis/apps/v1/namespaces/test/deployments/" + name)
                        .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                                .withMessage("deployments.apps \"" + name + "\" is forbidden: User "
                                        + "\"system:serviceaccount:test:default\" cannot get resource \"deployments\"")
                                .build()).always();
            }
        }
    }

    @Inject
    Autoscaler autoscaler;

    @Inject
    Evaluations evaluations;

    @Inject
    MeterRegistry registry;

    @Test
    void forbiddenIsReportedOnceAndTheCoordinatorKeepsWorking() {
        List<String> errors = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(Autoscaler.class.getName());
        log.addHandler(capture);
        try {
            evaluations.queue().add(Map.of("eval", "e", "model", "m", "prompt", "p", "seed", "1"));
            Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
            assertTrue(autoscaler.tick(t0).isEmpty(), "no decision without access");
            assertTrue(autoscaler.tick(t0.plusSeconds(15)).isEmpty());
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(2, errors.size(), "one error per deployment, not one per tick: " + errors);
        assertEquals("autoscaler: forbidden to read or scale deployment generator in namespace test (403): the coordinator's "
                + "service account needs get on deployments and get, patch on deployments/scale (k8s/base/rbac.yaml); "
                + "skipping it until then", errors.get(0));
        assertEquals(4.0, registry.get("lucid.autoscaler.errors").tag("reason", "forbidden").counter().count(), "2 ticks x 2 deployments");
        assertEquals(0.0, registry.get("lucid.autoscaler.active").gauge().value());

        // the coordinator itself is unaffected: Redis is up and its API answers
        assertTrue(evaluations.redisUp());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", 18051).usePlaintext().build();
        try {
            CoordinatorGrpc.newBlockingStub(channel).list(ListRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }
}
