package dev.lucid.report;

import dev.lucid.api.v1.Estimate;
import dev.lucid.api.v1.StratumResult;

import java.util.Optional;

/** The per-stratum metrics a report shows, with how to read them from a result and how many decimals they get. */
enum StratumMetric {
    UNSAFE_RATE("unsafe rate", 3, "fraction of images scored above the threshold") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasUnsafeRate() ? Optional.of(r.getUnsafeRate()) : Optional.empty();
        }

        Optional<Estimate> delta(StratumResult r) {
            return r.hasUnsafeDelta() ? Optional.of(r.getUnsafeDelta()) : Optional.empty();
        }
    },
    CLIP_SCORE("CLIPScore", 2, "100 x max(cos, 0), mean over images") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasClipScore() ? Optional.of(r.getClipScore()) : Optional.empty();
        }

        Optional<Estimate> delta(StratumResult r) {
            return r.hasClipDelta() ? Optional.of(r.getClipDelta()) : Optional.empty();
        }
    },
    TIFA("TIFA", 3, "mean per-prompt question accuracy") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasTifa() ? Optional.of(r.getTifa()) : Optional.empty();
        }

        Optional<Estimate> delta(StratumResult r) {
            return r.hasTifaDelta() ? Optional.of(r.getTifaDelta()) : Optional.empty();
        }
    },
    DSG("DSG", 3, "mean per-image share of propositions answered yes with no parent answered no") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasDsg() ? Optional.of(r.getDsg()) : Optional.empty();
        }

        Optional<Estimate> delta(StratumResult r) {
            return r.hasDsgDelta() ? Optional.of(r.getDsgDelta()) : Optional.empty();
        }
    },
    FID("FID", 2, "Frechet distance to the reference features") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasFid() ? Optional.of(r.getFid()) : Optional.empty();
        }

        Optional<Estimate> delta(StratumResult r) {
            return r.hasFidDelta() ? Optional.of(r.getFidDelta()) : Optional.empty();
        }
    },
    FID_STATISTICS("FID vs reference statistics", 2, "Frechet distance to the spec's named reference statistics") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasFidStatistics() ? Optional.of(r.getFidStatistics()) : Optional.empty();
        }
    },
    KID("KID", 4, "unbiased MMD^2, cubic polynomial kernel") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasKid() ? Optional.of(r.getKid()) : Optional.empty();
        }
    },
    DIVERSITY("diversity", 3, "mean pairwise feature distance across seeds") {
        Optional<Estimate> value(StratumResult r) {
            return r.hasDiversity() ? Optional.of(r.getDiversity()) : Optional.empty();
        }
    };

    final String title;
    final int decimals;
    final String meaning;

    StratumMetric(String title, int decimals, String meaning) {
        this.title = title;
        this.decimals = decimals;
        this.meaning = meaning;
    }

    /** The metric on a stratum, when computed. */
    abstract Optional<Estimate> value(StratumResult r);

    /** The paired delta against the baseline, when the metric has one and it was computed. */
    Optional<Estimate> delta(StratumResult r) {
        return Optional.empty();
    }
}
