package dev.lucid.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lucid.tokenizers.ClipBpeTokenizer;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a Stable Diffusion export in optimum's ONNX layout ({@code model_index.json}, {@code text_encoder/},
 * {@code unet/}, {@code vae_decoder/}, {@code tokenizer/}, {@code scheduler/}) as Triton model directories
 * ({@code NAME_text_encoder}, {@code NAME_unet}, {@code NAME_vae_decoder}: {@code config.pbtxt} with the tensors
 * of the ONNX graph, {@code 1/model.onnx} and its external data, hard-linked when the file system allows, else
 * copied), the tokenizer folder next to the catalog ({@code <catalog dir>/tokenizers/NAME/}) and a components
 * entry in the catalog. Variants replace one part of a base entry: {@code unet} (ESD-like) or
 * {@code text_encoder} (DES-like). Everything is checked before anything is written.
 */
public final class DiffusersImport {
    /** Rows per call of the batchable parts (text encoder, VAE decoder) in the written configs. */
    static final int MAX_BATCH = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** diffusers' StableDiffusionPipeline default guidance scale, written as the UNet's guidance default. */
    static final String SD_GUIDANCE_SCALE = "7.5";
    /** The scheduler_config.json keys that Lucid's DDIM reads (see SchedulerConfig). */
    private static final List<String> SCHEDULER_KEYS = List.of("num_train_timesteps", "beta_start", "beta_end",
            "beta_schedule", "prediction_type", "steps_offset", "set_alpha_to_one", "timestep_spacing", "clip_sample",
            "clip_sample_range");

    /**
     * What to import.
     *
     * @param export         the optimum export folder (for a variant: a folder holding the replaced part)
     * @param name           the new catalog entry's name (also the prefix of its backend models)
     * @param repository     the Triton model repository written into
     * @param catalog        the catalog file (created when absent)
     * @param baseDir        what the catalog's relative paths resolve against (the generator's base dir)
     * @param base           for a variant: the base entry's name; null for a full import
     * @param part           for a variant: {@link Part#UNET} or {@link Part#TEXT_ENCODER}; null for a full import
     * @param tokenizerVocab openai's {@code bpe_simple_vocab_16e6.txt.gz}, to build the tokenizer folder when the
     *                       export has no {@code vocab.json}/{@code merges.txt}; may be null
     * @param replace        replace an entry (and its backend models) of the same name
     * @param sampleSize     the entry's latent side; 0: unet/config.json's sample_size
     */
    public record Request(Path export, String name, Path repository, Path catalog, Path baseDir, String base, Part part,
                          Path tokenizerVocab, boolean replace, int sampleSize) {
        public Request {
            if (sampleSize < 0 || sampleSize > T2iModel.LatentSpace.MAX_SAMPLE_SIZE) {
                throw new IllegalArgumentException("--sample-size must be in 1.." + T2iModel.LatentSpace.MAX_SAMPLE_SIZE
                        + ", got " + sampleSize);
            }
        }
    }

    /** The part a variant replaces. */
    public enum Part { UNET, TEXT_ENCODER }

    /**
     * What was written.
     *
     * @param models  backend model directories written
     * @param linked  files hard-linked
     * @param copied  files copied (hard links impossible, e.g. across file systems)
     * @param entry   the catalog entry
     * @param notes   checks that could not be made, and why
     */
    public record Result(List<Path> models, int linked, int copied, JsonNode entry, List<String> notes) {
    }

    private DiffusersImport() {
    }

    /**
     * Imports; throws {@link IllegalArgumentException} naming the file or field at fault, before writing anything.
     */
    public static Result run(Request r) throws IOException {
        Path staging = null;
        try {
            if (r.base() == null) {
                staging = Files.createTempDirectory("lucid-tokenizer");
            }
            return run(r, staging);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    private static Result run(Request r, Path staging) throws IOException {
        try {
            new T2iModel(r.name(), T2iModel.Shape.COMPONENTS, "t", "d", null, "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--name: " + e.getMessage(), e);
        }
        ObjectNode catalog = readCatalog(r.catalog());
        ArrayNode models = (ArrayNode) catalog.get("models");
        int existing = indexOf(models, r.name());
        if (existing >= 0 && !r.replace()) {
            throw new IllegalArgumentException(r.catalog() + " already has a model '" + r.name() + "' (pass --replace to replace it)");
        }
        List<String> notes = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        ObjectNode entry;
        if (r.base() == null) {
            Layout l = Layout.full(r.export());
            int channels = latentChannels(l.unet(), l.vaeDecoder());
            Path tokDir = tokenizerDir(r);
            if (tokDir.startsWith(r.repository().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("the tokenizer folder " + tokDir + " would be inside the model repository "
                        + r.repository() + " (Triton takes every folder there for a model): put the catalog elsewhere");
            }
            stageTokenizer(r.export(), r.tokenizerVocab(), staging);
            checkVocabulary(ClipBpeTokenizer.diffusersFolder(staging), l.textEncoder(), notes);
            planned.add(new Planned(r.name() + "_text_encoder", l.textEncoder(), textModelConfig(l.textEncoder(), r.name() + "_text_encoder")));
            planned.add(new Planned(r.name() + "_unet", l.unet(), unetConfig(l.unet(), r.name() + "_unet", l.scheduler())));
            planned.add(new Planned(r.name() + "_vae_decoder", l.vaeDecoder(), textModelConfig(l.vaeDecoder(), r.name() + "_vae_decoder")));
            entry = JSON.createObjectNode();
            entry.put("name", r.name());
            entry.put("shape", "components");
            entry.put("text_encoder", r.name() + "_text_encoder");
            entry.put("denoiser", r.name() + "_unet");
            entry.put("decoder", r.name() + "_vae_decoder");
            entry.put("tokenizer", relative(r.baseDir(), tokDir));
            entry.put("noise", "torch");
            entry.put("latent_scale", scalingFactor(l.vaeDecoder()));
            entry.put("sample_size", r.sampleSize() > 0 ? r.sampleSize() : sampleSize(l.unet()));
            entry.put("description", "imported from " + r.export().getFileName() + " (channels " + channels + ")");
        } else {
            int b = indexOf(models, r.base());
            if (b < 0) {
                throw new IllegalArgumentException("--base: " + r.catalog() + " has no model '" + r.base() + "'");
            }
            JsonNode base = models.get(b);
            if (!base.path("decoder").isTextual() || !"components".equals(base.path("shape").asText())) {
                throw new IllegalArgumentException("--base: '" + r.base() + "' in " + r.catalog() + " is not a latent components model");
            }
            entry = base.deepCopy();
            entry.put("name", r.name());
            if (r.part() == Part.UNET) {
                Path unet = requireModel(r.export().resolve("unet"));
                Path baseDecoder = r.repository().resolve(base.get("decoder").asText()).resolve("1/model.onnx");
                if (Files.isRegularFile(baseDecoder)) {
                    latentChannels(unet, baseDecoder);
                } else {
                    notes.add("latent channels not compared: " + baseDecoder + " is absent");
                }
                Map<String, String> scheduler = schedulerOf(r.repository().resolve(base.get("denoiser").asText()));
                planned.add(new Planned(r.name() + "_unet", unet, unetConfig(unet, r.name() + "_unet", scheduler)));
                entry.put("denoiser", r.name() + "_unet");
                entry.put("description", "UNet of " + r.export().getFileName() + " on " + r.base());
            } else {
                Path te = requireModel(r.export().resolve("text_encoder"));
                checkVocabulary(ClipBpeTokenizer.diffusersFolder(r.baseDir().resolve(base.get("tokenizer").asText())), te, notes);
                planned.add(new Planned(r.name() + "_text_encoder", te, textModelConfig(te, r.name() + "_text_encoder")));
                entry.put("text_encoder", r.name() + "_text_encoder");
                entry.put("description", "text encoder of " + r.export().getFileName() + " on " + r.base());
            }
        }
        for (Planned p : planned) {
            if (Files.exists(r.repository().resolve(p.model())) && !r.replace()) {
                throw new IllegalArgumentException(r.repository().resolve(p.model()) + " already exists (pass --replace to replace it)");
            }
        }
        // Checked: now write.
        int[] counts = new int[2];
        List<Path> written = new ArrayList<>();
        for (Planned p : planned) {
            written.add(writeModel(r.repository(), p, counts));
        }
        if (r.base() == null) {
            // Copied next to its final place, then renamed: a reader never sees half a tokenizer.
            Path dir = tokenizerDir(r);
            Path partial = dir.resolveSibling("." + dir.getFileName() + ".partial");
            deleteTree(partial);
            Files.createDirectories(partial);
            try (var files = Files.list(staging)) {
                for (Path f : files.toList()) {
                    Files.copy(f, partial.resolve(f.getFileName()));
                }
            }
            deleteTree(dir);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        if (existing >= 0) {
            models.set(existing, entry);
        } else {
            models.add(entry);
        }
        writeAtomically(r.catalog(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(catalog) + "\n");
        return new Result(written, counts[0], counts[1], entry, notes);
    }

    /** The files of an optimum export this importer reads. */
    private record Layout(Path textEncoder, Path unet, Path vaeDecoder, Map<String, String> scheduler) {
        static Layout full(Path dir) throws IOException {
            if (!Files.isRegularFile(dir.resolve("model_index.json"))) {
                throw new IllegalArgumentException(dir + " is not an optimum/diffusers export: "
                        + dir.resolve("model_index.json") + " is missing");
            }
            Path scheduler = dir.resolve("scheduler/scheduler_config.json");
            if (!Files.isRegularFile(scheduler)) {
                throw new IllegalArgumentException(scheduler + " is missing");
            }
            return new Layout(requireModel(dir.resolve("text_encoder")), requireModel(dir.resolve("unet")),
                    requireModel(dir.resolve("vae_decoder")), schedulerParameters(scheduler));
        }
    }

    /** A backend model to write: its name, its source model.onnx and its config.pbtxt. */
    private record Planned(String model, Path onnx, String config) {
    }

    private static Path requireModel(Path component) {
        Path onnx = component.resolve("model.onnx");
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException(onnx + " is missing");
        }
        return onnx;
    }

    private static int latentChannels(Path unet, Path decoder) throws IOException {
        OnnxGraph u = OnnxGraph.read(unet);
        OnnxGraph d = OnnxGraph.read(decoder);
        OnnxGraph.Tensor sample = u.input("sample").orElseThrow(() -> new IllegalArgumentException(unet + " has no input 'sample'"));
        OnnxGraph.Tensor latent = d.input("latent_sample").orElseThrow(() -> new IllegalArgumentException(decoder
                + " has no input 'latent_sample'"));
        if (sample.dims().length != 4 || latent.dims().length != 4 || sample.dims()[1] < 1 || sample.dims()[1] != latent.dims()[1]) {
            throw new IllegalArgumentException("latent channels disagree: " + unet + " takes sample "
                    + java.util.Arrays.toString(sample.dims()) + ", " + decoder + " takes latent_sample "
                    + java.util.Arrays.toString(latent.dims()));
        }
        return (int) sample.dims()[1];
    }

    /** The text encoder's token embedding rows (its initializer, else config.json's vocab_size) against the tokenizer. */
    private static void checkVocabulary(ClipBpeTokenizer tokenizer, Path textEncoder, List<String> notes) throws IOException {
        long rows = -1;
        String source = null;
        for (Map.Entry<String, long[]> e : OnnxGraph.read(textEncoder).initializers().entrySet()) {
            if (e.getKey().endsWith("token_embedding.weight") && e.getValue().length == 2) {
                rows = e.getValue()[0];
                source = textEncoder + " initializer " + e.getKey();
            }
        }
        Path config = textEncoder.resolveSibling("config.json");
        if (rows < 0 && Files.isRegularFile(config) && JSON.readTree(config.toFile()).path("vocab_size").canConvertToLong()) {
            rows = JSON.readTree(config.toFile()).path("vocab_size").asLong();
            source = config + " vocab_size";
        }
        if (rows < 0) {
            notes.add("vocabulary size not compared: neither a token_embedding initializer in " + textEncoder
                    + " nor vocab_size in " + config);
        } else if (rows != tokenizer.vocabularySize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabularySize() + " tokens but the text encoder "
                    + "embeds " + rows + " (" + source + ")");
        }
    }

    /** The tokenizer folder (copied from the export, or built from openai's vocabulary) in a staging folder. */
    private static void stageTokenizer(Path export, Path vocabGz, Path staging) throws IOException {
        Path src = export.resolve("tokenizer");
        boolean complete = Files.isRegularFile(src.resolve("vocab.json")) && Files.isRegularFile(src.resolve("merges.txt"));
        if (!complete && vocabGz == null) {
            throw new IllegalArgumentException(src.resolve("vocab.json") + " or " + src.resolve("merges.txt")
                    + " is missing (pass --tokenizer-vocab bpe_simple_vocab_16e6.txt.gz to build them)");
        }
        for (String f : List.of("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")) {
            if (Files.isRegularFile(src.resolve(f)) && (complete || !f.endsWith(".txt") && !f.equals("vocab.json"))) {
                Files.copy(src.resolve(f), staging.resolve(f));
            }
        }
        if (!complete) {
            ClipBpeTokenizer.writeDiffusersVocabulary(vocabGz, staging);
        }
    }

    private static Path tokenizerDir(Request r) {
        Path parent = r.catalog().toAbsolutePath().normalize().getParent();
        return parent.resolve("tokenizers").resolve(r.name());
    }

    private static Map<String, String> schedulerParameters(Path file) throws IOException {
        // Decimals as written (0.00085, not 8.5E-4) so the config reads like the file.
        JsonNode s = JSON.copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(file.toFile());
        Map<String, String> p = new java.util.LinkedHashMap<>();
        for (String k : SCHEDULER_KEYS) {
            JsonNode v = s.get(k);
            if (v != null && !v.isNull()) {
                p.put(k, v.asText());
            }
        }
        try {
            dev.lucid.diffusion.SchedulerConfig.fromParameters(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        // The guidance a request that names none gets: Stable Diffusion pipelines' own default.
        p.put(GenerationParamsMapping.GUIDANCE_DEFAULT_PARAMETER, SD_GUIDANCE_SCALE);
        return p;
    }

    /** The scheduler parameters of an imported UNet's config.pbtxt (a variant keeps its base's). */
    private static Map<String, String> schedulerOf(Path model) throws IOException {
        Path config = model.resolve("config.pbtxt");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--base: " + config + " is missing");
        }
        Map<String, String> p = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("parameters \\{ key: \"([a-z_]+)\" value: \\{ string_value: \"([^\"]*)\" } }")
                .matcher(Files.readString(config));
        while (m.find()) {
            p.put(m.group(1), m.group(2));
        }
        return p;
    }

    private static double scalingFactor(Path vaeDecoder) throws IOException {
        Path config = vaeDecoder.resolveSibling("config.json");
        if (Files.isRegularFile(config)) {
            JsonNode f = JSON.readTree(config.toFile()).get("scaling_factor");
            if (f != null && f.isNumber()) {
                return f.asDouble();
            }
        }
        return T2iModel.LatentSpace.SD_SCALE;
    }

    /** The latent side: unet/config.json's sample_size (diffusers' default height is that × 8), else 64 (SD 1.x). */
    private static int sampleSize(Path unet) throws IOException {
        Path config = unet.resolveSibling("config.json");
        if (Files.isRegularFile(config)) {
            JsonNode s = JSON.readTree(config.toFile()).get("sample_size");
            if (s != null && s.canConvertToInt() && s.asInt() > 0 && s.asInt() <= T2iModel.LatentSpace.MAX_SAMPLE_SIZE) {
                return s.asInt();
            }
        }
        return 64;
    }

    /** A batchable model's config: every tensor's first dimension is the batch. */
    static String textModelConfig(Path onnx, String name) throws IOException {
        OnnxGraph g = OnnxGraph.read(onnx);
        boolean batchable = java.util.stream.Stream.concat(g.inputs().stream(), g.outputs().stream())
                .allMatch(t -> t.dims().length > 0 && t.dims()[0] == -1);
        return config(name, g, batchable ? MAX_BATCH : 0, Map.of());
    }

    /** The UNet is served unbatched: its timestep's first dimension is not the batch. */
    static String unetConfig(Path onnx, String name, Map<String, String> scheduler) throws IOException {
        OnnxGraph g = OnnxGraph.read(onnx);
        for (String in : List.of("sample", "timestep", "encoder_hidden_states")) {
            g.input(in).orElseThrow(() -> new IllegalArgumentException(onnx + " has no input '" + in + "'"));
        }
        return config(name, g, 0, scheduler);
    }

    private static String config(String name, OnnxGraph g, int maxBatch, Map<String, String> parameters) {
        StringBuilder b = new StringBuilder();
        b.append("name: \"").append(name).append("\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: ").append(maxBatch).append('\n');
        tensors(b, "input", g.inputs(), maxBatch > 0);
        tensors(b, "output", g.outputs(), maxBatch > 0);
        parameters.forEach((k, v) -> b.append("parameters { key: \"").append(k).append("\" value: { string_value: \"")
                .append(v).append("\" } }\n"));
        return b.toString();
    }

    private static void tensors(StringBuilder b, String kind, List<OnnxGraph.Tensor> ts, boolean dropBatch) {
        b.append(kind).append(" [\n");
        for (int i = 0; i < ts.size(); i++) {
            OnnxGraph.Tensor t = ts.get(i);
            long[] dims = dropBatch ? java.util.Arrays.copyOfRange(t.dims(), 1, t.dims().length) : t.dims();
            b.append(String.format(Locale.ROOT, "  { name: \"%s\" data_type: %s dims: [ %s ] }%s%n", t.name(), t.tritonType(),
                    String.join(", ", java.util.Arrays.stream(dims).mapToObj(Long::toString).toList()),
                    i + 1 < ts.size() ? "," : ""));
        }
        b.append("]\n");
    }

    /** Writes NAME/config.pbtxt and NAME/1/ (model.onnx and the other files of its folder, but its JSON). */
    private static Path writeModel(Path repository, Planned p, int[] counts) throws IOException {
        Path dir = repository.resolve(p.model());
        deleteTree(dir);
        Path version = Files.createDirectories(dir.resolve("1"));
        try (var files = Files.list(p.onnx().getParent())) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".json")).toList()) {
                Path to = version.resolve(f.getFileName());
                try {
                    Files.createLink(to, f.toAbsolutePath());
                    counts[0]++;
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(f, to);
                    counts[1]++;
                }
            }
        }
        Files.writeString(dir.resolve("config.pbtxt"), p.config());
        return dir;
    }

    private static ObjectNode readCatalog(Path file) throws IOException {
        if (!Files.exists(file)) {
            ObjectNode c = JSON.createObjectNode();
            c.put("description", "Models imported with lucid models add");
            c.putArray("models");
            return c;
        }
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("catalog " + file + " is larger than 1 MiB");
        }
        JsonNode c = JSON.readTree(file.toFile());
        if (!(c instanceof ObjectNode o) || !c.path("models").isArray()) {
            throw new IllegalArgumentException("catalog " + file + " has no models array");
        }
        return o;
    }

    private static int indexOf(ArrayNode models, String name) {
        for (int i = 0; i < models.size(); i++) {
            if (name.equals(models.get(i).path("name").asText())) {
                return i;
            }
        }
        return -1;
    }

    private static String relative(Path baseDir, Path p) {
        Path b = baseDir.toAbsolutePath().normalize();
        Path a = p.toAbsolutePath().normalize();
        return a.startsWith(b) ? b.relativize(a).toString() : a.toString();
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
