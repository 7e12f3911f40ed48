package dev.lucid.metrics.fid;

import java.util.Objects;

/**
 * An FID value with what it was computed from. FIDs are only comparable at the same N and against the same
 * reference set (FID is biased in N), so {@link #difference} refuses anything else.
 *
 * @param value            the Fréchet distance
 * @param generatedSetId   id of the generated feature set
 * @param generatedN       its size (0: unknown)
 * @param referenceSetId   id of the reference feature set
 * @param referenceN       its size (0: unknown)
 */
public record FidResult(double value, String generatedSetId, long generatedN, String referenceSetId, long referenceN) {
    /** Requires both set ids and a value. */
    public FidResult {
        Objects.requireNonNull(generatedSetId, "generatedSetId");
        Objects.requireNonNull(referenceSetId, "referenceSetId");
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("FID is NaN");
        }
    }

    /** FID of generated features against reference features. */
    public static FidResult of(GaussianStatistics generated, GaussianStatistics reference) {
        return new FidResult(FrechetDistance.between(generated, reference), generated.setId(), generated.n(),
                reference.setId(), reference.n());
    }

    /** This FID minus the other; refused unless both have the same known N and the same reference set. */
    public double difference(FidResult other) {
        requireComparable(other);
        return value - other.value;
    }

    /** Throws IllegalArgumentException saying why two FIDs cannot be compared. */
    public void requireComparable(FidResult other) {
        if (!referenceSetId.equals(other.referenceSetId)) {
            throw new IllegalArgumentException("FIDs against different reference sets are not comparable: '"
                    + referenceSetId + "' vs '" + other.referenceSetId + "'");
        }
        if (generatedN == 0 || other.generatedN == 0) {
            throw new IllegalArgumentException("FIDs with an unknown N are not comparable ('" + generatedSetId + "' N="
                    + sizeText(generatedN) + ", '" + other.generatedSetId + "' N=" + sizeText(other.generatedN) + ")");
        }
        if (generatedN != other.generatedN) {
            throw new IllegalArgumentException("FIDs at different N are not comparable (FID is biased in N): '"
                    + generatedSetId + "' N=" + generatedN + " vs '" + other.generatedSetId + "' N=" + other.generatedN);
        }
        if (referenceN != other.referenceN) {
            throw new IllegalArgumentException("FIDs against reference sets of different N are not comparable: "
                    + referenceN + " vs " + other.referenceN);
        }
    }

    private static String sizeText(long n) {
        return n == 0 ? "unknown" : Long.toString(n);
    }
}
