package dev.lucid.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code lucid models add}: argument rules and refusals (the import itself is tested in libs/generation). */
class ModelsAddCommandTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", ".."));

    static int run(String... args) {
        return new CommandLine(new Lucid()).execute(args);
    }

    @Test
    void refusesFoldersThatAreNotExportsAndBadArgumentCombinations(@TempDir Path dir) {
        String repo = dir.resolve("repo").toString();
        String catalog = dir.resolve("catalog.json").toString();
        assertEquals(2, run("models", "add", dir.toString(), "--name", "m", "--repository", repo, "--catalog", catalog));
        assertEquals(2, run("models", "add", "--name", "m", "--repository", repo, "--catalog", catalog));
        assertEquals(2, run("models", "add", "--name", "m", "--base", "b", "--repository", repo, "--catalog", catalog));
        assertEquals(2, run("models", "add", "--name", "m", "--base", "b", "--unet",
                ROOT.resolve("deploy/sd-tiny/export/esd-unet").toString(), "--repository", repo, "--catalog", catalog));
        assertFalse(Files.exists(dir.resolve("repo")));
        assertFalse(Files.exists(dir.resolve("catalog.json")));
    }
}
