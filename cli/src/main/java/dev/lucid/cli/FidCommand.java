package dev.lucid.cli;

import dev.lucid.metrics.fid.FeatureStatisticsFiles;
import dev.lucid.metrics.fid.FrechetDistance;
import dev.lucid.metrics.fid.GaussianStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** FID between two feature files, so pytorch-fid outputs can be used with Lucid directly. */
@Command(name = "fid", mixinStandardHelpOptions = true,
        description = {"FID between two feature sets; prints the value and each set's N.",
                "A file is either an .npy array of features (N×D, float32 or float64) or an .npz with 'mu' and 'sigma'"
                        + " as pytorch-fid --save-stats writes it (its N is unknown)."})
final class FidCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "First feature file (.npy or .npz).")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "Second feature file (.npy or .npz).")
    Path second;

    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        GaussianStatistics a = load(first);
        GaussianStatistics b = load(second);
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature dimensions differ: " + first + " has D=" + a.dimension() + ", "
                    + second + " has D=" + b.dimension());
        }
        double fid = FrechetDistance.between(a, b);
        out.printf(Locale.ROOT, "FID %.6f%n", fid);
        out.printf(Locale.ROOT, "N   %s (%s), %s (%s); D %d%n", size(a), first.getFileName(), size(b), second.getFileName(),
                a.dimension());
        return 0;
    }

    private static GaussianStatistics load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        return FeatureStatisticsFiles.load(file);
    }

    private static String size(GaussianStatistics s) {
        return s.sizeKnown() ? Long.toString(s.n()) : "unknown";
    }
}
