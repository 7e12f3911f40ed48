package dev.lucid.suites;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared benchmark files ({@code <repo>/../shared/datasets}); tests that need them are skipped, visibly, where absent. */
final class Datasets {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../..")).toAbsolutePath().normalize()
            .resolveSibling("shared").resolve("datasets");

    private Datasets() {
    }

    static Path dir() {
        if (!Files.isDirectory(ROOT)) {
            System.err.println("SKIPPED: the shared datasets are not at " + ROOT);
        }
        Assumptions.assumeTrue(Files.isDirectory(ROOT), "shared datasets absent at " + ROOT);
        return ROOT;
    }

    /** A shared file imported in lenient mode (bad rows counted with reasons rather than ending the import). */
    static ImportResult importFileLenient(String relative, ImportFormat format, String stratum) throws IOException {
        Path f = dir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "shared file absent: " + f);
        try (InputStream in = Files.newInputStream(f)) {
            return new SuiteImporter().importSuite(ImportRequest.of("t", format, f.getFileName().toString(), stratum)
                    .lenientMode(), in);
        }
    }

    static ImportResult importFile(String relative, ImportFormat format, String stratum) throws IOException {
        Path f = dir().resolve(relative);
        try (InputStream in = Files.newInputStream(f)) {
            return new SuiteImporter().importSuite(ImportRequest.of("t", format, f.getFileName().toString(), stratum), in);
        }
    }
}
