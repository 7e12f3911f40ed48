package dev.lucid.evaluation;

import dev.lucid.metrics.fid.GaussianStatistics;

/**
 * Reference statistics named by a spec ({@code metrics.fid_reference}): their id, the sha256 of the file they
 * were read from (as recorded at submit) and the statistics themselves.
 */
public record FidReference(String id, String sha256, GaussianStatistics statistics) {
}
