package dev.lucid.diffusion;

import java.util.Map;

/**
 * A DDIM scheduler configuration with the keys and meaning of diffusers' {@code scheduler_config.json},
 * read from a denoiser's config parameters.
 *
 * @param numTrainTimesteps training timesteps T (2..100000)
 * @param betaStart         β at t = 0 (linear schedules), in (0, 1)
 * @param betaEnd           β at t = T−1 (linear schedules), in (0, 1)
 * @param betaSchedule      how β runs over t
 * @param predictionType    what the denoiser predicts
 * @param stepsOffset       added to every "leading" timestep (0..T−1)
 * @param setAlphaToOne     ᾱ after the last step is 1 (else ᾱ_0)
 * @param timestepSpacing   how the sampled timesteps spread over [0, T)
 * @param clipSample        clip x̂₀ to [−clipSampleRange, clipSampleRange]
 * @param clipSampleRange   the clipping bound (&gt; 0)
 * @param useClippedModelOutput re-derive ε̂ from the clipped x̂₀ (diffusers' {@code use_clipped_model_output}, as
 *                          GLIDE samples); without it a clipped x̂₀ and an unclipped ε̂ disagree, and the gap grows with
 *                          the guidance scale
 */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
                              PredictionType predictionType, int stepsOffset, boolean setAlphaToOne,
                              TimestepSpacing timestepSpacing, boolean clipSample, double clipSampleRange,
                              boolean useClippedModelOutput) {

    /** The most training timesteps accepted. */
    public static final int MAX_TRAIN_TIMESTEPS = 100_000;

    /** Stable Diffusion 1.x's scheduler_config.json (981, 961, …, 1 at 50 steps). */
    public static final SchedulerConfig STABLE_DIFFUSION_1 = new SchedulerConfig(1000, 0.00085, 0.012,
            BetaSchedule.SCALED_LINEAR, PredictionType.EPSILON, 1, false, TimestepSpacing.LEADING, false, 1.0, false);

    /**
     * The defaults of a config that names Lucid's float64 {@code cosine} schedule: what the mini world was
     * trained and referenced with before these keys existed (timesteps (steps−1−k)·T/steps, ᾱ = 1 after
     * the last step, x̂₀ clipped), so its configs keep their exact numbers.
     */
    public static final SchedulerConfig LUCID_COSINE = new SchedulerConfig(1000, 0.00085, 0.012,
            BetaSchedule.COSINE, PredictionType.EPSILON, 0, true, TimestepSpacing.LEADING, true, 1.0, false);

    /** How β_t runs over the training timesteps. */
    public enum BetaSchedule {
        /** β linear from betaStart to betaEnd (torch float32, as diffusers). */
        LINEAR("linear"),
        /** √β linear, squared (Stable Diffusion; torch float32, as diffusers). */
        SCALED_LINEAR("scaled_linear"),
        /** Nichol and Dhariwal's cosine ᾱ, β capped at 0.999, rounded to float32 (diffusers). */
        SQUAREDCOS_CAP_V2("squaredcos_cap_v2"),
        /** The same cosine kept in float64 throughout: Lucid's own, the mini world's training schedule. */
        COSINE("cosine");

        private final String key;

        BetaSchedule(String key) {
            this.key = key;
        }

        /** The config value. */
        public String key() {
            return key;
        }

        static BetaSchedule parse(String s) {
            return byKey(values(), BetaSchedule::key, s, "beta_schedule");
        }
    }

    /** diffusers' timestep_spacing. */
    public enum TimestepSpacing {
        /** k · (T // steps) + steps_offset, from the noisiest. */
        LEADING("leading"),
        /** round(T − k · T/steps) − 1. */
        TRAILING("trailing"),
        /** round of linspace(0, T−1, steps), reversed. */
        LINSPACE("linspace");

        private final String key;

        TimestepSpacing(String key) {
            this.key = key;
        }

        /** The config value. */
        public String key() {
            return key;
        }

        static TimestepSpacing parse(String s) {
            return byKey(values(), TimestepSpacing::key, s, "timestep_spacing");
        }
    }

    /** A config that keeps ε̂ as the model gave it when x̂₀ is clipped (diffusers' default). */
    public SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
                           PredictionType predictionType, int stepsOffset, boolean setAlphaToOne,
                           TimestepSpacing timestepSpacing, boolean clipSample, double clipSampleRange) {
        this(numTrainTimesteps, betaStart, betaEnd, betaSchedule, predictionType, stepsOffset, setAlphaToOne,
                timestepSpacing, clipSample, clipSampleRange, false);
    }

    public SchedulerConfig {
        if (numTrainTimesteps < 2 || numTrainTimesteps > MAX_TRAIN_TIMESTEPS) {
            throw new IllegalArgumentException("num_train_timesteps must be in [2, " + MAX_TRAIN_TIMESTEPS + "], got "
                    + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaStart < 1)) {
            throw new IllegalArgumentException("beta_start must be in (0, 1), got " + betaStart);
        }
        if (!(betaEnd > 0 && betaEnd < 1)) {
            throw new IllegalArgumentException("beta_end must be in (0, 1), got " + betaEnd);
        }
        if (betaSchedule == null || predictionType == null || timestepSpacing == null) {
            throw new IllegalArgumentException("beta_schedule, prediction_type and timestep_spacing are required");
        }
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            throw new IllegalArgumentException("steps_offset must be in [0, " + (numTrainTimesteps - 1) + "], got "
                    + stepsOffset);
        }
        if (!(clipSampleRange > 0) || Double.isInfinite(clipSampleRange)) {
            throw new IllegalArgumentException("clip_sample_range must be a positive number, got " + clipSampleRange);
        }
    }

    /**
     * The config a denoiser's parameters describe. Keys it lacks take Stable Diffusion 1.x's values,
     * or {@link #LUCID_COSINE}'s when beta_schedule is {@code cosine}; other parameters are ignored.
     *
     * @throws IllegalArgumentException naming the key and value that are invalid
     */
    public static SchedulerConfig fromParameters(Map<String, String> p) {
        BetaSchedule schedule = p.containsKey("beta_schedule")
                ? parse(p, "beta_schedule", BetaSchedule::parse) : STABLE_DIFFUSION_1.betaSchedule();
        SchedulerConfig d = schedule == BetaSchedule.COSINE ? LUCID_COSINE : STABLE_DIFFUSION_1;
        return new SchedulerConfig(
                    integer(p, "num_train_timesteps", d.numTrainTimesteps()),
                    number(p, "beta_start", d.betaStart()),
                    number(p, "beta_end", d.betaEnd()),
                    schedule,
                    p.containsKey("prediction_type") ? parse(p, "prediction_type", PredictionType::parse) : d.predictionType(),
                    integer(p, "steps_offset", d.stepsOffset()),
                    bool(p, "set_alpha_to_one", d.setAlphaToOne()),
                    p.containsKey("timestep_spacing") ? parse(p, "timestep_spacing", TimestepSpacing::parse)
                            : d.timestepSpacing(),
                    bool(p, "clip_sample", d.clipSample()),
                    number(p, "clip_sample_range", d.clipSampleRange()),
                    bool(p, "use_clipped_model_output", d.useClippedModelOutput()));
    }

    /** A stable text form of every field, for fingerprints. */
    public String canonical() {
        return "num_train_timesteps=" + numTrainTimesteps + ";beta_start=" + betaStart + ";beta_end=" + betaEnd
                + ";beta_schedule=" + betaSchedule.key() + ";prediction_type=" + predictionType.name().toLowerCase()
                + ";steps_offset=" + stepsOffset + ";set_alpha_to_one=" + setAlphaToOne
                + ";timestep_spacing=" + timestepSpacing.key() + ";clip_sample=" + clipSample
                + ";clip_sample_range=" + clipSampleRange
                // Only when set, so the fingerprints of configs that leave it out stay as they were.
                + (useClippedModelOutput ? ";use_clipped_model_output=true" : "");
    }

    /** The constant whose config value is s; else an error naming the key, the value and the known values. */
    private static <E> E byKey(E[] values, java.util.function.Function<E, String> key, String s, String field) {
        for (E e : values) {
            if (key.apply(e).equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException(field + " '" + s + "' is not supported ("
                + String.join(", ", java.util.Arrays.stream(values).map(key).toList()) + ")");
    }

    private static <T> T parse(Map<String, String> p, String key, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(p.get(key).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheduler parameter " + key + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, String> p, String key, int dflt) {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheduler parameter " + key + " must be an integer, got '" + v + "'");
        }
    }

    private static double number(Map<String, String> p, String key, double dflt) {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheduler parameter " + key + " must be a finite number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> p, String key, boolean dflt) {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.strip().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("scheduler parameter " + key + " must be true or false, got '"
                    + v + "'");
        };
    }
}
