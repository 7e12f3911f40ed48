package dev.lucid.generation;

/**
 * A text-to-image model as served by a KServe v2 backend.
 *
 * @param name        Lucid's name for it (e.g. "mini-des")
 * @param shape       how it is served
 * @param textEncoder components: backend model name of the text encoder
 * @param denoiser    components: backend model name of the denoiser (pixel space, or latent space with a decoder)
 * @param pipeline    pipeline: backend model name of the prompt → image model
 * @param description human description
 * @param noise       components: where the sampler's initial noise comes from
 * @param latent      components: the latent space and its decoder; null when the denoiser works on pixels
 */
public record T2iModel(String name, Shape shape, String textEncoder, String denoiser, String pipeline,
                       String description, Noise noise, LatentSpace latent) {

    /** A model with the default initial noise (java.util.Random). */
    public T2iModel(String name, Shape shape, String textEncoder, String denoiser, String pipeline, String description) {
        this(name, shape, textEncoder, denoiser, pipeline, description, Noise.JAVA);
    }

    /** A pixel-space model. */
    public T2iModel(String name, Shape shape, String textEncoder, String denoiser, String pipeline, String description,
                    Noise noise) {
        this(name, shape, textEncoder, denoiser, pipeline, description, noise, null);
    }

    /**
     * Latent diffusion: the denoiser works on latents that a VAE decoder turns into images.
     *
     * @param decoder    backend model name of the decoder ({@code latent_sample} → {@code sample})
     * @param scale      latents are divided by it before decoding (Stable Diffusion 1.x: 0.18215)
     * @param sampleSize latent height and width when the denoiser's spatial dimensions are dynamic (0: read
     *                   them from the denoiser's metadata)
     */
    public record LatentSpace(String decoder, double scale, int sampleSize) {
        /** Stable Diffusion 1.x's VAE scaling factor, the default. */
        public static final double SD_SCALE = 0.18215;
        /** Largest latent side accepted (4096-pixel images at the usual factor 8). */
        public static final int MAX_SAMPLE_SIZE = 512;

        public LatentSpace {
            if (decoder == null || decoder.isBlank()) {
                throw new IllegalArgumentException("decoder: a latent model needs a decoder model name");
            }
            if (!(scale > 0 && scale <= 100)) {
                throw new IllegalArgumentException("latent_scale must be in (0, 100], got " + scale);
            }
            if (sampleSize < 0 || sampleSize > MAX_SAMPLE_SIZE) {
                throw new IllegalArgumentException("sample_size must be in 1.." + MAX_SAMPLE_SIZE + ", got " + sampleSize);
            }
        }
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
        if (shape == Shape.PIPELINE && latent != null) {
            throw new IllegalArgumentException("pipeline model '" + name + "' decodes its own images; decoder applies to components models");
        }
        if (shape == Shape.PIPELINE && blank(pipeline)) {
            throw new IllegalArgumentException("pipeline model '" + name + "' needs pipeline");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
