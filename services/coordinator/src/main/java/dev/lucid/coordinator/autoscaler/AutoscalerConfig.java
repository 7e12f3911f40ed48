package dev.lucid.coordinator.autoscaler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of the backlog autoscaler ({@code lucid.autoscaler.*}); README "Deploying on Kubernetes" explains them. */
@ConfigMapping(prefix = "lucid.autoscaler")
public interface AutoscalerConfig {
    /** When it acts. */
    enum Mode {
        /** Only inside a Kubernetes cluster (KUBERNETES_SERVICE_HOST set): the default. */
        AUTO,
        /** Always, against the API server of the Kubernetes client's configuration (tests, out-of-cluster runs). */
        ON,
        /** Never. */
        OFF
    }

    @WithDefault("auto")
    Mode mode();

    /** Namespace of the scaled deployments; the Kubernetes client's (the pod's) namespace when absent. */
    Optional<String> namespace();

    /** Time between two decisions. */
    @WithDefault("15s")
    Duration interval();

    /** The backlog should be worked off within this time; replicas = ceil(backlog x seconds per item / this). */
    @WithDefault("120s")
    Duration targetDrainTime();

    /** Most replicas added or removed by one decision. */
    @WithDefault("2")
    int maxStep();

    /** Least time between a change and the next scale-up. */
    @WithDefault("30s")
    Duration scaleUpCooldown();

    /** Least time after the last change and after the backlog last needed the current replicas, before a scale-down. */
    @WithDefault("300s")
    Duration scaleDownCooldown();

    /** Deadline of each call to the Kubernetes API. */
    @WithDefault("10s")
    Duration apiTimeout();

    /** Scaled deployments by a name of their own (e.g. generator, backend). None: the autoscaler does nothing. */
    Map<String, Target> targets();

    /** One scaled deployment. */
    interface Target {
        /** Deployment name in the namespace. */
        String deployment();

        @WithDefault("1")
        int min();

        int max();

        /** Whose measured latency sets this deployment's seconds per item: generator, safety or utility. */
        @WithDefault("generator")
        String latencyOf();

        /** Seconds per item a replica needs, assumed until a latency has been measured. */
        @WithDefault("1.0")
        double secondsPerItem();
    }
}
