package dev.lucid.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A private CA and mesh certificates for tests, made by the project's own {@code bin/lucid-certs} (openssl and
 * keytool), so tests use exactly the files a local mesh uses.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Whether openssl is on the PATH (tests skip, saying so, where it is not). */
    public static boolean available() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Makes the CA and certificates in {@code dir} (see bin/lucid-certs for the files). */
    public static Path make(Path dir, String... subjectAltNames) throws IOException, InterruptedException {
        Path script = Paths.get(System.getProperty("lucid.repo.root", "../.."), "bin/lucid-certs");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), dir.toString()));
        command.addAll(List.of(subjectAltNames));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 || !Files.exists(dir.resolve("mesh.crt"))) {
            throw new IOException("bin/lucid-certs failed: " + out);
        }
        return dir;
    }
}
