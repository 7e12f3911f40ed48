package dev.lucid.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code lucid fid} on the metrics fixtures (reference values from numpy/scipy in reference.json). */
class FidCommandTest {
    static final Path FIXTURES = Path.of(System.getProperty("lucid.repo.root", ".."), "libs/metrics/src/test/resources/fid");

    static String run(String... args) {
        FidCommand command = new FidCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        command.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int rc = new CommandLine(command).execute(args);
        assertEquals(0, rc);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void featureArraysPrintTheValueAndBothN() {
        // scipy 23.2154004, 50-digit reference 23.2154007 (reference.json); Lucid agrees to 1e-8 relative.
        assertEquals("FID 23.215401\nN   300 (basic_a.npy), 400 (basic_b.npy); D 32\n",
                run(FIXTURES.resolve("basic_a.npy").toString(), FIXTURES.resolve("basic_b.npy").toString()));
    }

    @Test
    void pytorchFidStatisticsHaveNoN() {
        assertEquals("FID 23.215401\nN   unknown (basic_a_stats.npz), 400 (basic_b.npy); D 32\n",
                run(FIXTURES.resolve("basic_a_stats.npz").toString(), FIXTURES.resolve("basic_b.npy").toString()));
    }

    @Test
    void missingFilesAndMismatchedDimensionsAreOneLineErrors() {
        FidCommand command = new FidCommand();
        CommandLine cl = new CommandLine(command);
        StringBuilder error = new StringBuilder();
        cl.setExecutionExceptionHandler((e, c, p) -> {
            error.append(e.getMessage());
            return 1;
        });
        assertEquals(1, cl.execute(FIXTURES.resolve("nope.npy").toString(), FIXTURES.resolve("basic_b.npy").toString()));
        assertEquals("no such file: " + FIXTURES.resolve("nope.npy"), error.toString());
        error.setLength(0);
        assertEquals(1, cl.execute(FIXTURES.resolve("basic_a.npy").toString(), FIXTURES.resolve("wide_b.npy").toString()));
        assertEquals("feature dimensions differ: " + FIXTURES.resolve("basic_a.npy") + " has D=32, "
                + FIXTURES.resolve("wide_b.npy") + " has D=192", error.toString());
    }
}
