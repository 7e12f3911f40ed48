package dev.lucid.cli;

import dev.lucid.generation.DiffusersImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** lucid models add: an optimum Stable Diffusion export into a Triton model repository and a catalog. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Import a Stable Diffusion export in optimum's ONNX layout (optimum-cli export onnx) as Triton model "
                + "directories NAME_text_encoder, NAME_unet, NAME_vae_decoder, the tokenizer as <catalog dir>/tokenizers/NAME/ "
                + "and a components entry in the catalog.",
                "Variants: --base NAME --unet DIR (ESD-like: a new UNet) or --base NAME --text-encoder DIR (DES-like)."})
final class ModelsAddCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The export folder (model_index.json, text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/).")
    Path export;

    @Option(names = "--name", required = true, description = "The catalog entry's name, and the prefix of its backend models.")
    String name;

    @Option(names = "--repository", defaultValue = "target/models/repository", description = "Triton model repository (default: ${DEFAULT-VALUE}).")
    Path repository;

    @Option(names = "--catalog", defaultValue = "target/models/catalog.json", description = "Catalog file, created when absent (default: ${DEFAULT-VALUE}).")
    Path catalog;

    @Option(names = "--base-dir", defaultValue = ".", description = "What the catalog's relative paths resolve against: the generator's base dir (default: the working directory).")
    Path baseDir;

    @Option(names = "--base", description = "A variant of this catalog entry: reuses its models and tokenizer.")
    String base;

    @Option(names = "--unet", paramLabel = "DIR", description = "With --base: a folder holding unet/model.onnx (or the unet folder itself).")
    Path unet;

    @Option(names = "--text-encoder", paramLabel = "DIR", description = "With --base: a folder holding text_encoder/model.onnx (or that folder itself).")
    Path textEncoder;

    @Option(names = "--tokenizer-vocab", paramLabel = "GZ", description = "openai's bpe_simple_vocab_16e6.txt.gz: builds vocab.json and merges.txt when the export has none.")
    Path tokenizerVocab;

    @Option(names = "--replace", description = "Replace an entry and backend models of the same name.")
    boolean replace;

    @Option(names = "--sample-size", defaultValue = "0", paramLabel = "N",
            description = "Latent side (images are 8 x N pixels); default: unet/config.json's sample_size.")
    int sampleSize;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
    }

    private int run() throws Exception {
        DiffusersImport.Request r;
        if (sampleSize != 0 && base != null) {
            return usage("--sample-size applies to a full import; a variant keeps its base's");
        }
        if (base == null) {
            if (export == null || unet != null || textEncoder != null) {
                return usage("give the export DIR; --unet and --text-encoder need --base");
            }
            r = new DiffusersImport.Request(export, name, repository, catalog, baseDir, null, null, tokenizerVocab, replace, sampleSize);
        } else {
            if ((unet == null) == (textEncoder == null) || export != null) {
                return usage("--base takes exactly one of --unet DIR and --text-encoder DIR, and no export DIR");
            }
            DiffusersImport.Part part = unet != null ? DiffusersImport.Part.UNET : DiffusersImport.Part.TEXT_ENCODER;
            r = new DiffusersImport.Request(componentParent(unet != null ? unet : textEncoder, unet != null ? "unet" : "text_encoder"),
                    name, repository, catalog, baseDir, base, part, null, replace, 0);
        }
        DiffusersImport.Result res = DiffusersImport.run(r);
        for (Path m : res.models()) {
            System.out.println("wrote " + m);
        }
        System.out.printf("%d files hard-linked, %d copied%n", res.linked(), res.copied());
        res.notes().forEach(n -> System.out.println("note: " + n));
        System.out.println("catalog " + catalog + ": " + res.entry());
        return 0;
    }

    /** Accepts the variant's folder or the component folder itself (DIR/unet/model.onnx or DIR/model.onnx). */
    private static Path componentParent(Path dir, String component) {
        return dir.getFileName() != null && dir.getFileName().toString().equals(component)
                && !java.nio.file.Files.isDirectory(dir.resolve(component)) ? dir.toAbsolutePath().getParent() : dir;
    }

    private static int usage(String message) {
        System.err.println("lucid models add: " + message);
        return 2;
    }
}
