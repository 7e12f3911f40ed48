package dev.lucid.generation;

/**
 * A text-to-image model as served by a KServe v2 backend.
 *
 * @param name        Lucid's name for it (e.g. "mini-des")
 * @param shape       how it is served
 * @param textEncoder components: backend model name of the text encoder
 * @param denoiser    components: backend model name of the denoiser (pixel space; no decoder yet)
 * @param pipeline    pipeline: backend model name of the prompt → image model
 * @param description human description
 * @param noise       components: where the sampler's initial noise comes from
 */
public record T2iModel(String name, Shape shape, String textEncoder, String denoiser, String pipeline,
                       String description, Noise noise) {

    /** A model with the default initial noise (java.util.Random). */
    public T2iModel(String name, Shape shape, String textEncoder, String denoiser, String pipeline, String description) {
        this(name, shape, textEncoder, denoiser, pipeline, description, Noise.JAVA);
    }

    /** Initial noise of components models, by its catalog value. */
    public enum Noise {
        /** java.util.Random's nextGaussian (the default). */
        JAVA("java"),
        /** Bit-identical to torch.randn with a seeded CPU generator (what diffusers starts from). */
        TORCH("torch");

        private final String key;

        Noise(String key) {
            this.key = key;
        }

        /** The catalog value. */
        public String key() {
            return key;
        }

        /** Parses a catalog value ({@code java}, {@code torch}). */
        public static Noise parse(String s) {
            for (Noise n : values()) {
                if (n.key.equals(s)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("noise must be java or torch, got '" + s + "'");
        }
    }

    /** How a model is served. */
    public enum Shape {
        /** Separate text encoder and denoiser; Lucid runs the sampler. */
        COMPONENTS,
        /** One backend model: prompt in, image out (Triton's Stable Diffusion tutorial contract). */
        PIPELINE
    }

    public T2iModel {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("model name must be 1-64 characters of letters, digits, '.', '_', '-': " + name);
        }
        if (shape == Shape.COMPONENTS && (blank(textEncoder) || blank(denoiser))) {
            throw new IllegalArgumentException("components model '" + name + "' needs text_encoder and denoiser");
        }
        if (noise == null) {
            throw new IllegalArgumentException("model '" + name + "' needs a noise source");
        }
        if (shape == Shape.PIPELINE && noise != Noise.JAVA) {
            throw new IllegalArgumentException("pipeline model '" + name + "' makes its own noise; noise applies to components models");
        }
        if (shape == Shape.PIPELINE && blank(pipeline)) {
            throw new IllegalArgumentException("pipeline model '" + name + "' needs pipeline");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
