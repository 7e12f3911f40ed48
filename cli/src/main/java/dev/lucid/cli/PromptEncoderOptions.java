package dev.lucid.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options of commands that read a suite from the sampler and embed it with a model's text encoder. */
final class PromptEncoderOptions {
    @Option(names = "--model", description = "Generator model whose text encoder embeds the prompts: the model you evaluate "
            + "(default: the baseline model of --spec).")
    String model;
    @Option(names = "--spec", description = "The evaluation spec the prompts are for; its baseline's model is the default --model.")
    Path spec;
    @Option(names = "--sampler", defaultValue = "${env:LUCID_SAMPLER:-127.0.0.1:9100}")
    String sampler;
    @Option(names = "--generator", defaultValue = "${env:LUCID_GENERATOR:-127.0.0.1:9101}")
    String generator;

    /** The model named by --model, else the baseline's model of --spec. */
    String encoderModel() throws IOException {
        if (model != null && !model.isBlank()) {
            return model;
        }
        if (spec == null) {
            throw new IllegalArgumentException("--model: required without --spec (the model whose text encoder embeds the prompts)");
        }
        var s = SpecFile.read(spec);
        return s.getModelsList().stream().filter(m -> m.getLabel().equals(s.getBaseline())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--spec: baseline '" + s.getBaseline() + "' is not one of its models"))
                .getModel().getName();
    }
}
