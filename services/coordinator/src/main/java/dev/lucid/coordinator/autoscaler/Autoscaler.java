package dev.lucid.coordinator.autoscaler;

import dev.lucid.coordinator.Evaluations;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scales the configured deployments on the coordinator's backlog: every interval it reads the pending
 * work items from Redis and each backend's measured seconds per item, asks the {@link ReplicaPlanner},
 * and patches the deployment's scale subresource. Outside a cluster (mode auto), when off, or without
 * targets it does nothing and says so once, in the log and in the metric {@code lucid_autoscaler_active}.
 * A Kubernetes error (403 without RBAC, a missing deployment) is reported once per deployment and cause;
 * the coordinator itself is never affected.
 */
@ApplicationScoped
public class Autoscaler {
    private static final Logger LOG = Logger.getLogger(Autoscaler.class);

    private final AutoscalerConfig config;
    private final Evaluations evaluations;
    private final BackendLatency latency;
    private final Instance<KubernetesClient> clients;
    private final MeterRegistry registry;
    private final ReplicaPlanner planner = new ReplicaPlanner();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicLong backlog = new AtomicLong();
    private final Map<String, AtomicInteger> wanted = new ConcurrentHashMap<>();
    private final Map<String, String> reported = new ConcurrentHashMap<>();
    private volatile DeploymentScales scales;
    private ScheduledExecutorService loop;

    Autoscaler(AutoscalerConfig config, Evaluations evaluations, BackendLatency latency, Instance<KubernetesClient> clients,
               MeterRegistry registry) {
        this.config = config;
        this.evaluations = evaluations;
        this.latency = latency;
        this.clients = clients;
        this.registry = registry;
        gauge("lucid.autoscaler.active", Tags.empty(), active);
        gauge("lucid.autoscaler.backlog", Tags.empty(), backlog);
    }

    /**
     * Registers a gauge on this instance's state. A registry that outlives the application (dev-mode
     * reloads, test restarts in one JVM) keeps the first registration of a name, so an older one is removed.
     */
    private <T extends Number> T gauge(String name, Tags tags, T state) {
        registry.find(name).tags(tags).gauges().forEach(registry::remove);
        return registry.gauge(name, tags, state);
    }

    /** Why the autoscaler stays idle, or empty when it should run. */
    static Optional<String> idleReason(AutoscalerConfig.Mode mode, int targets, Map<String, String> env) {
        if (mode == AutoscalerConfig.Mode.OFF) {
            return Optional.of("lucid.autoscaler.mode=off");
        }
        if (mode == AutoscalerConfig.Mode.AUTO && (env.get("KUBERNETES_SERVICE_HOST") == null
                || env.get("KUBERNETES_SERVICE_HOST").isBlank())) {
            return Optional.of("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set; "
                    + "lucid.autoscaler.mode=on forces it)");
        }
        if (targets == 0) {
            return Optional.of("no deployments configured (lucid.autoscaler.targets.<name>.deployment)");
        }
        return Optional.empty();
    }

    void start(@Observes StartupEvent ev) {
        Optional<String> reason = idleReason(config.mode(), config.targets().size(), System.getenv());
        if (reason.isPresent()) {
            LOG.infof("autoscaler idle: %s", reason.get());
            idle.set(1);
            gauge("lucid.autoscaler.idle", Tags.of("reason", reason.get().split(" \\(")[0]), idle);
            return;
        }
        try {
            policies(); // an invalid configuration is reported at start-up, not at the first tick
            KubernetesClient client = clients.get();
            String ns = config.namespace().orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
            scales = new DeploymentScales(client, ns, config.apiTimeout());
        } catch (RuntimeException e) {
            LOG.errorf("autoscaler idle: cannot set up (%s); the coordinator runs without it", e.getMessage());
            idle.set(1);
            gauge("lucid.autoscaler.idle", Tags.of("reason", "setup failed"), idle);
            return;
        }
        active.set(1);
        LOG.infof("autoscaler on: deployments %s in namespace %s, every %s", config.targets().values().stream()
                .map(AutoscalerConfig.Target::deployment).toList(), scales.namespace(), config.interval());
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "autoscaler");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        loop.scheduleWithFixedDelay(() -> {
            try {
                tick(Instant.now());
            } catch (RuntimeException e) {
                report("*", "tick failed: " + e, Logger.Level.WARN);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (loop != null) {
            loop.shutdownNow();
        }
    }

    /** The targets' policies, by target name in alphabetical order (decisions and logs come in a fixed order). */
    private Map<String, ScalingPolicy> policies() {
        Map<String, ScalingPolicy> out = new TreeMap<>();
        config.targets().forEach((name, t) -> {
            if (!BackendLatency.BACKENDS.contains(t.latencyOf())) {
                throw new IllegalArgumentException("lucid.autoscaler.targets." + name + ".latency-of must be one of "
                        + BackendLatency.BACKENDS + ", got '" + t.latencyOf() + "'");
            }
            try {
                out.put(name, new ScalingPolicy(t.min(), t.max(), config.maxStep(), config.scaleUpCooldown(),
                        config.scaleDownCooldown(), config.targetDrainTime(), t.secondsPerItem()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lucid.autoscaler.targets." + name + ": " + e.getMessage(), e);
            }
        });
        return out;
    }

    /** Whether it is scaling (set up in a cluster, or forced on). */
    public boolean active() {
        return scales != null;
    }

    /**
     * One round of decisions at {@code now}: the decision per target name for the deployments it could
     * read (and owns). Errors are reported, never thrown.
     */
    public synchronized Map<String, ScaleDecision> tick(Instant now) {
        Map<String, ScaleDecision> out = new LinkedHashMap<>();
        if (scales == null) {
            return out;
        }
        long pending;
        try {
            pending = evaluations.queue().backlog();
        } catch (RuntimeException e) {
            report("*", "cannot read the backlog from Redis: " + e.getMessage(), Logger.Level.WARN);
            return out;
        }
        report("*", "ok", Logger.Level.INFO);
        backlog.set(pending);
        boolean apiOk = true;
        for (Map.Entry<String, ScalingPolicy> e : policies().entrySet()) {
            String name = e.getKey();
            AutoscalerConfig.Target t = config.targets().get(name);
            try {
                Optional<DeploymentScales.State> state = scales.read(t.deployment());
                if (state.isEmpty()) {
                    report(name, "deployment " + t.deployment() + " not found in namespace " + scales.namespace(), Logger.Level.WARN);
                    continue;
                }
                if (!DeploymentScales.BACKLOG.equals(state.get().owner())) {
                    report(name, "deployment " + t.deployment() + " is scaled by '" + state.get().owner() + "' (annotation "
                            + DeploymentScales.OWNER_ANNOTATION + "), not by the backlog: left alone", Logger.Level.INFO);
                    continue;
                }
                double spi = latency.secondsPerItem(t.latencyOf()).orElse(t.secondsPerItem());
                ScaleDecision d = planner.decide(name, e.getValue(), state.get().replicas(), pending, spi, now);
                wanted.computeIfAbsent(name, k -> gauge("lucid.autoscaler.replicas.wanted",
                        Tags.of("deployment", t.deployment()), new AtomicInteger())).set(d.wanted());
                if (d.changes()) {
                    scales.patchReplicas(t.deployment(), d.next());
                    planner.applied(name, now);
                    Counter.builder("lucid.autoscaler.scalings").tags("deployment", t.deployment(), "direction",
                            d.next() > d.current() ? "up" : "down").register(registry).increment();
                    LOG.infof("scaled %s from %d to %d replicas (%s, %.3f s per item)", t.deployment(), d.current(),
                            d.next(), d.reason(), spi);
                }
                report(name, "ok", Logger.Level.INFO);
                out.put(name, d);
            } catch (KubernetesClientException ex) {
                apiOk = false;
                Counter.builder("lucid.autoscaler.errors").tags("reason", ex.getCode() == 403 ? "forbidden" : "api")
                        .register(registry).increment();
                if (ex.getCode() == 403) {
                    report(name, "forbidden to read or scale deployment " + t.deployment() + " in namespace "
                            + scales.namespace() + " (403): the coordinator's service account needs get on deployments "
                            + "and get, patch on deployments/scale (k8s/base/rbac.yaml); skipping it until then", Logger.Level.ERROR);
                } else {
                    report(name, "Kubernetes API error for deployment " + t.deployment() + ": " + ex.getMessage(), Logger.Level.WARN);
                }
            }
        }
        active.set(apiOk ? 1 : 0);
        return out;
    }

    /** Logs a target's state only when it differs from the last one reported ("ok" itself is silent unless it recovers). */
    private void report(String target, String message, Logger.Level level) {
        String before = reported.put(target, message);
        if (message.equals(before) || ("ok".equals(message) && before == null)) {
            return;
        }
        LOG.log(level, "ok".equals(message) ? "autoscaler: " + ("*".equals(target) ? "reading the backlog" : target)
                + " works again" : "autoscaler: " + message);
    }
}
