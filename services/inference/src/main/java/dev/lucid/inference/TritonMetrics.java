package dev.lucid.inference;

import dev.lucid.runtime.ModelStats;
import dev.lucid.runtime.ServedModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Publishes per-model statistics on /q/metrics under Triton's metric names and labels
 * ({@code model}, {@code version}). They are registered as gauges over the cumulative statistics:
 * a Prometheus counter would be exposed with a {@code _total} suffix and no longer match Triton's
 * names, which dashboards and autoscalers written for Triton query.
 */
@ApplicationScoped
public class TritonMetrics {
    private final RepositoryHolder holder;
    private final MeterRegistry registry;
    private final Map<ServedModel, List<Meter>> registered = new HashMap<>();

    TritonMetrics(RepositoryHolder holder, MeterRegistry registry) {
        this.holder = holder;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent ev) {
        refresh();
        holder.repository().onChange(this::refresh);
    }

    /** Registers the gauges of newly served versions and removes those of unloaded or replaced ones. */
    synchronized void refresh() {
        List<ServedModel> current = holder.repository().servedModels();
        registered.entrySet().removeIf(e -> {
            if (current.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        for (ServedModel m : current) {
            if (registered.containsKey(m)) {
                continue;
            }
            List<Meter> meters = new ArrayList<>();
            registered.put(m, meters);
            Tags tags = Tags.of("model", m.name(), "version", m.version());
            ModelStats s = m.stats();
            meters.add(gauge("nv_inference_request_success", "Number of successful inference requests, all batch sizes",
                    tags, s, x -> x.success.count()));
            meters.add(gauge("nv_inference_request_failure", "Number of failed inference requests, all batch sizes",
                    tags, s, x -> x.fail.count()));
            meters.add(gauge("nv_inference_count", "Number of inferences performed (batch items)",
                    tags, s, ModelStats::inferenceCount));
            meters.add(gauge("nv_inference_exec_count", "Number of model executions performed (batches)",
                    tags, s, ModelStats::executionCount));
            meters.add(gauge("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds",
                    tags, s, x -> (x.success.nanos() + x.fail.nanos()) / 1000.0));
            meters.add(gauge("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds",
                    tags, s, x -> x.queue.nanos() / 1000.0));
            meters.add(gauge("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds",
                    tags, s, x -> x.computeInput.nanos() / 1000.0));
            meters.add(gauge("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds",
                    tags, s, x -> x.computeInfer.nanos() / 1000.0));
            meters.add(gauge("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds",
                    tags, s, x -> x.computeOutput.nanos() / 1000.0));
            meters.add(gauge("lucid_inference_batch_isolation_count",
                    "Failed merged batches whose requests were re-run one by one, so only the bad ones failed",
                    tags, s, ModelStats::isolationCount));
            meters.add(Gauge.builder("nv_inference_pending_request_count", m, ServedModel::pending)
                    .description("Instantaneous number of pending requests awaiting execution per-model")
                    .tags(tags).register(registry));
        }
    }

    private Meter gauge(String name, String help, Tags tags, ModelStats stats, ToDoubleFunction<ModelStats> f) {
        return Gauge.builder(name, stats, f).description(help).tags(tags).register(registry);
    }
}
