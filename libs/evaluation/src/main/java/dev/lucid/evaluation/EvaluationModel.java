package dev.lucid.evaluation;

import dev.lucid.generation.GenerationSettings;

/** A model under evaluation: its report label, the generator's model name and its generation settings. */
public record EvaluationModel(String label, String model, GenerationSettings settings) {
}
