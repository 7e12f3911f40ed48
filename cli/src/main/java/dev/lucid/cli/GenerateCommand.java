package dev.lucid.cli;

import dev.lucid.api.v1.GenerateRequest;
import dev.lucid.api.v1.GenerateResponse;
import dev.lucid.api.v1.GenerationItem;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.Image;
import dev.lucid.api.v1.ModelRef;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Generates one image on a generator and prints its content hash (for checking determinism across replicas). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate one image; prints its sha256, size, content key and the model fingerprint.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--generator", defaultValue = "${env:LUCID_GENERATOR:-127.0.0.1:9101}", description = "Generator address (default: LUCID_GENERATOR, else 127.0.0.1:9101).")
    String generator;
    @Option(names = "--model", required = true, description = "Model name, as `lucid models` lists it.")
    String model;
    @Option(names = "--prompt", required = true)
    String prompt;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--steps", defaultValue = "0", description = "Denoising steps (0: the generator's default).")
    int steps;
    @Option(names = "--guidance", defaultValue = "0", description = "Classifier-free guidance scale (0: the model's own default, its denoiser config's guidance_scale_default).")
    double guidance;
    @Option(names = "--negative-prompt", defaultValue = "")
    String negativePrompt;
    @Option(names = "--out", description = "Write the PNG here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        // The generator validates everything again; these are the checks a user gets a clearer message from here.
        if (seed < 0) {
            throw new IllegalArgumentException("--seed must be >= 0, got " + seed);
        }
        if (steps < 0 || guidance < 0) {
            throw new IllegalArgumentException("--steps and --guidance must be >= 0");
        }
        GenerateRequest req = GenerateRequest.newBuilder()
                .setModel(ModelRef.newBuilder().setName(model))
                .setParams(GenerationParams.newBuilder().setSteps(steps).setGuidanceScale(guidance).setNegativePrompt(negativePrompt))
                .addItems(GenerationItem.newBuilder().setPromptId("cli").setPrompt(prompt).setSeed(seed))
                .setIncludePng(out != null)
                .build();
        ManagedChannel ch = HostPort.parse(generator, "--generator").channel();
        try {
            GenerateResponse r = GeneratorGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.MINUTES).generate(req);
            Image img = r.getImages(0);
            if (out != null) {
                Files.write(out, img.getPng().toByteArray());
            }
            System.out.printf("%s %dx%d key=%s model=%s@%s%n", img.getSha256(), img.getWidth(), img.getHeight(), img.getKey(),
                    r.getModel().getName(), r.getModel().getFingerprint());
            return 0;
        } finally {
            ch.shutdownNow();
        }
    }
}
