package dev.lucid.coordinator.autoscaler;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When the autoscaler stays idle: decided from the mode, the targets and the environment alone. */
class AutoscalerIdleTest {
    static final Map<String, String> IN_CLUSTER = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

    @Test
    void autoActsOnlyInsideAClusterAndOnlyWithTargets() {
        assertEquals(Optional.of("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set; "
                + "lucid.autoscaler.mode=on forces it)"), Autoscaler.idleReason(AutoscalerConfig.Mode.AUTO, 3, Map.of()));
        assertEquals(Optional.empty(), Autoscaler.idleReason(AutoscalerConfig.Mode.AUTO, 3, IN_CLUSTER));
        assertEquals(Optional.of("no deployments configured (lucid.autoscaler.targets.<name>.deployment)"),
                Autoscaler.idleReason(AutoscalerConfig.Mode.AUTO, 0, IN_CLUSTER));
    }

    @Test
    void offNeverActsAndOnActsOutsideAClusterToo() {
        assertEquals(Optional.of("lucid.autoscaler.mode=off"), Autoscaler.idleReason(AutoscalerConfig.Mode.OFF, 3, IN_CLUSTER));
        assertEquals(Optional.empty(), Autoscaler.idleReason(AutoscalerConfig.Mode.ON, 3, Map.of()));
    }
}
