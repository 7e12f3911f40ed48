package dev.lucid.tokenizers;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared CLIP vocabulary and reference ids are (../shared from the repository root). */
final class ClipVocabulary {
    private ClipVocabulary() {
    }

    static Path folder() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/tokenizers/clip").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The shared folder, or a visible skip of the calling test when it is absent. */
    static Path requireFolder() {
        Path dir = folder();
        Assumptions.assumeTrue(dir != null, "../shared/tokenizers/clip is absent: CLIP vocabulary tests skipped");
        return dir;
    }

    static Path gz() {
        return requireFolder().resolve("bpe_simple_vocab_16e6.txt.gz");
    }
}
