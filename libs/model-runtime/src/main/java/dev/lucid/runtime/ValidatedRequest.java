package dev.lucid.runtime;

import dev.lucid.kserve.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A request that passed validation against its model's config.
 *
 * @param inputs    inputs by name, shapes as sent (batch dimension included when the model batches)
 * @param batchSize the request's batch size (1 for models without batching)
 * @param outputs   requested outputs; all of the model's outputs when the request named none
 */
public record ValidatedRequest(Map<String, Tensor> inputs, int batchSize, List<String> outputs) {
}
