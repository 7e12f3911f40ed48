package dev.lucid.coordinator;

import dev.lucid.evaluation.FidReference;
import dev.lucid.image.PngCodec;
import dev.lucid.metrics.fid.FeatureStatisticsFiles;
import dev.lucid.metrics.fid.GaussianStatistics;
import io.grpc.Status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reference statistics a spec may name for FID ({@code metrics.fid_reference}): the id {@code x} is the file
 * {@code x.npz} (pytorch-fid's {@code --save-stats} format, {@code mu} and {@code sigma}) under
 * {@code lucid.coordinator.fid-references}. The coordinator resolves them alone; the sha256 of the file is
 * recorded at submit and checked again when the report is assembled, so a report never rests on a changed file.
 */
public final class FidReferences {
    /** Largest statistics file read: a 4096-d float64 covariance is 128 MiB. */
    static final long MAX_BYTES = 160L << 20;
    private static final String ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final Optional<Path> dir;

    FidReferences(Optional<Path> dir) {
        this.dir = dir;
    }

    /**
     * The statistics named {@code id}, checked against the feature dimension the utility service reports
     * ({@code featureDimension}; 0 when it reports none). Errors name the spec field.
     */
    FidReference resolve(String id, int featureDimension) {
        if (!id.matches(ID)) {
            throw new IllegalArgumentException("metrics.fid_reference: 1-64 letters, digits, '.', '_', '-' naming a "
                    + "statistics file, got '" + id + "'");
        }
        Path root = dir.orElseThrow(() -> new IllegalArgumentException("metrics.fid_reference: '" + id
                + "' named but this coordinator has no reference statistics (lucid.coordinator.fid-references is unset)"));
        Path file = root.resolve(id + ".npz");
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("metrics.fid_reference: unknown reference statistics '" + id + "' (no "
                        + file + ")");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("metrics.fid_reference: " + file + " is larger than " + (MAX_BYTES >> 20)
                        + " MiB");
            }
            // Hashed before and after parsing: the statistics used are the bytes the recorded hash names.
            byte[] bytes = Files.readAllBytes(file);
            GaussianStatistics stats = FeatureStatisticsFiles.load(file);
            String sha = PngCodec.sha256(bytes);
            if (!sha.equals(PngCodec.sha256(Files.readAllBytes(file)))) {
                throw new IllegalArgumentException("metrics.fid_reference: " + file + " changed while it was read");
            }
            if (featureDimension > 0 && stats.dimension() != featureDimension) {
                throw new IllegalArgumentException("metrics.fid_reference: statistics '" + id + "' are " + stats.dimension()
                        + "-dimensional but the utility service's features are " + featureDimension + "-dimensional");
            }
            return new FidReference(id, sha, stats);
        } catch (IOException e) {
            throw new IllegalArgumentException("metrics.fid_reference: cannot read statistics '" + id + "': " + e.getMessage(), e);
        }
    }

    /** The statistics an evaluation recorded at submit, refused when the file no longer has the recorded sha256. */
    FidReference recorded(String id, String recordedSha256) {
        FidReference r;
        try {
            r = resolve(id, 0);
        } catch (IllegalArgumentException e) {
            throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (!r.sha256().equals(recordedSha256)) {
            throw Status.FAILED_PRECONDITION.withDescription("metrics.fid_reference: statistics '" + id + "' changed since "
                    + "the evaluation was submitted (sha256 then " + recordedSha256 + ", now " + r.sha256()
                    + "): restore the file, or name the new statistics under a new id and submit again").asRuntimeException();
        }
        return r;
    }
}
