package dev.lucid.tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the tokenizer a catalog's {@code tokenizer} field names, choosing by what the path holds. */
public final class PromptTokenizers {
    private PromptTokenizers() {
    }

    /**
     * A word-level {@code tokenizer.json} (any {@code *.json} file), openai's CLIP vocabulary (a
     * {@code *.txt.gz} file; rows padded with id 0 as {@code clip.tokenize} does), or a diffusers
     * {@code tokenizer/} folder holding {@code vocab.json} and {@code merges.txt} (also accepted: the
     * model folder above it).
     */
    public static PromptTokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (isBpeFolder(path)) {
                return ClipBpeTokenizer.diffusersFolder(path);
            }
            if (isBpeFolder(path.resolve("tokenizer"))) {
                return ClipBpeTokenizer.diffusersFolder(path.resolve("tokenizer"));
            }
            throw new IllegalArgumentException("tokenizer folder " + path
                    + " holds neither vocab.json + merges.txt nor tokenizer/vocab.json + tokenizer/merges.txt");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("tokenizer " + path + " does not exist");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".txt.gz")) {
            return ClipBpeTokenizer.openAiVocabulary(path, "!");
        }
        if (name.endsWith(".json")) {
            return WordLevelTokenizer.load(path);
        }
        throw new IllegalArgumentException("tokenizer " + path
                + " is not a tokenizer.json (*.json), an openai BPE vocabulary (*.txt.gz) or a tokenizer folder");
    }

    private static boolean isBpeFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"));
    }
}
