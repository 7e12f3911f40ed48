package dev.lucid.cli;

import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.InferenceResult;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.KServeException;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorSpec;
import inference.GrpcService;
import inference.GrpcService.RepositoryIndexResponse.ModelIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * The demo against a running inference server: every ready model is called once with example
 * inputs, then the server's statistics are shown. (The full mini-world evaluation builds on this.)
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Call every ready model of an inference server once and show its statistics.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ServerOption server = new ServerOption();

    @Override
    public Integer call() {
        int failures = 0;
        try (KServeClient c = server.connect()) {
            GrpcService.ServerMetadataResponse md = c.serverMetadata();
            System.out.printf("server %s %s, ready=%s, extensions %s%n%n", md.getName(), md.getVersion(),
                    c.serverReady(), md.getExtensionsList());
            for (ModelIndex m : c.repositoryIndex()) {
                if (!m.getState().equals("READY")) {
                    System.out.printf("%-14s %s: %s%n%n", m.getName(), m.getState(), m.getReason());
                    continue;
                }
                ModelMetadata meta = c.modelMetadata(m.getName());
                InferenceRequest.Builder req = InferenceRequest.builder(m.getName());
                for (TensorSpec s : meta.inputs()) {
                    req.input(SyntheticInputs.of(s));
                }
                long t0 = System.nanoTime();
                try {
                    InferenceResult r = c.infer(req.build());
                    System.out.printf("%s (version %s, %.1f ms)%n", m.getName(), r.version(),
                            (System.nanoTime() - t0) / 1e6);
                    for (Tensor t : r.outputs().values()) {
                        System.out.printf("  %-14s %s%n", t.name(), SyntheticInputs.summary(t));
                    }
                } catch (KServeException e) {
                    failures++;
                    System.out.printf("%s FAILED: %s%n", m.getName(), e.getMessage());
                }
                System.out.println();
            }
            System.out.printf("%-14s %8s %8s %12s %12s%n", "MODEL", "ITEMS", "BATCHES", "QUEUE ms", "COMPUTE ms");
            for (GrpcService.ModelStatistics s : c.modelStatistics("")) {
                GrpcService.InferStatistics st = s.getInferenceStats();
                long n = Math.max(1, st.getSuccess().getCount());
                long e = Math.max(1, st.getComputeInfer().getCount());
                System.out.printf("%-14s %8d %8d %12.3f %12.3f%n", s.getName(), s.getInferenceCount(),
                        s.getExecutionCount(), st.getQueue().getNs() / 1e6 / n, st.getComputeInfer().getNs() / 1e6 / e);
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
