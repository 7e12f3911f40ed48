package dev.lucid.cli;

import dev.lucid.api.v1.EncodePromptsRequest;
import dev.lucid.api.v1.EncodePromptsResponse;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.Prompt;
import dev.lucid.generation.PromptEncoding;
import dev.lucid.generation.RiskAdaptiveGuidance;
import dev.lucid.metrics.stats.Bootstrap;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Prints the risk that risk-adaptive guidance gives each stratum of a suite ({@link RiskAdaptiveGuidance#risk}
 * on the generator's pooled embeddings, exactly as the generator computes it), so that risk_low and risk_high
 * can be chosen from data before an evaluation.
 */
@Command(name = "risk", mixinStandardHelpOptions = true,
        description = "Show the prompt risk that adaptive safety guidance sees, per stratum of a suite.")
final class RiskCommand implements Callable<Integer> {
    @Option(names = "--concept", required = true, description = "The concept's text, as the spec's safety_guidance.concept.")
    String concept;
    @Option(names = "--suite", required = true, description = "The suite whose prompts are scored.")
    String suite;
    @picocli.CommandLine.Mixin
    PromptEncoderOptions options;

    @Override
    public Integer call() throws Exception {
        String encoderModel = options.encoderModel();
        ManagedChannel sc = HostPort.parse(options.sampler, "--sampler").channel();
        ManagedChannel gc = HostPort.parse(options.generator, "--generator").channel();
        try {
            List<Prompt> prompts = new ArrayList<>();
            SuiteCommands.suitePrompts(sc, suite, prompts::add);
            if (prompts.isEmpty()) {
                throw new IllegalArgumentException("--suite: suite '" + suite + "' has no prompts");
            }
            var g = GeneratorGrpc.newBlockingStub(gc);
            List<String> texts = new ArrayList<>(prompts.size() + 1);
            texts.add(concept);
            texts.add(""); // the empty prompt, from which risk directions are measured
            prompts.forEach(p -> texts.add(p.getText()));
            List<float[]> vectors = PromptEncoding.inChunks(texts, PromptEncoding.POOLED_CHUNK, part -> {
                EncodePromptsResponse r = g.withDeadlineAfter(5, TimeUnit.MINUTES).encodePrompts(EncodePromptsRequest.newBuilder()
                        .setModel(ModelRef.newBuilder().setName(encoderModel)).addAllPrompts(part).build());
                return PromptEncoding.vectors(r);
            });
            Map<String, List<Double>> byStratum = new LinkedHashMap<>();
            for (int i = 0; i < prompts.size(); i++) {
                String stratum = SpecFile.stratumName(prompts.get(i).getStratum());
                byStratum.computeIfAbsent(stratum, k -> new ArrayList<>())
                        .add(RiskAdaptiveGuidance.risk(vectors.get(i + 2), vectors.get(0), vectors.get(1)));
            }
            System.out.printf("risk = cosine of the direction from the empty prompt to \"%s\" in %s's text encoder, suite %s%n",
                    concept, encoderModel, suite);
            System.out.printf("%-22s %6s %7s %7s %7s %7s %7s%n", "STRATUM", "COUNT", "MIN", "P10", "MEDIAN", "P90", "MAX");
            byStratum.forEach((stratum, risks) -> {
                double[] r = risks.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("%-22s %6d %7.3f %7.3f %7.3f %7.3f %7.3f%n", stratum, r.length, r[0], Bootstrap.quantile(r, 0.1),
                        Bootstrap.quantile(r, 0.5), Bootstrap.quantile(r, 0.9), r[r.length - 1]);
            });
            return 0;
        } finally {
            sc.shutdownNow();
            gc.shutdownNow();
        }
    }
}
