package dev.lucid.cli;

import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ModelMetadata;
import dev.lucid.kserve.TensorSpec;
import inference.GrpcService.RepositoryIndexResponse.ModelIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Lists the models of an inference server (Lucid's or Triton) with their states and tensors. */
@Command(name = "backend-models", mixinStandardHelpOptions = true,
        description = "List the models of a KServe v2 / Triton server with their state and tensors.")
final class BackendModelsCommand implements Callable<Integer> {
    @Mixin
    ServerOption server = new ServerOption();

    @Override
    public Integer call() {
        try (KServeClient c = server.connect()) {
            System.out.printf("%-22s %-8s %-12s %s%n", "MODEL", "VERSION", "STATE", "TENSORS / REASON");
            for (ModelIndex m : c.repositoryIndex()) {
                String detail = m.getReason();
                if (m.getState().equals("READY")) {
                    ModelMetadata md = c.modelMetadata(m.getName());
                    StringBuilder b = new StringBuilder();
                    for (TensorSpec s : md.inputs()) {
                        b.append(s.name()).append(':').append(s.dataType().wireName()).append(s.shape()).append(' ');
                    }
                    b.append("-> ");
                    for (TensorSpec s : md.outputs()) {
                        b.append(s.name()).append(':').append(s.dataType().wireName()).append(s.shape()).append(' ');
                    }
                    detail = b.toString().trim();
                }
                System.out.printf("%-22s %-8s %-12s %s%n", m.getName(), m.getVersion(), m.getState(), detail);
            }
        }
        return 0;
    }
}
