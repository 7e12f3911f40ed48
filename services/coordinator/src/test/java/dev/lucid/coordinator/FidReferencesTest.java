package dev.lucid.coordinator;

import dev.lucid.evaluation.FidReference;
import dev.lucid.image.PngCodec;
import dev.lucid.metrics.fid.NumpyArray;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reference statistics named in a spec: resolved from the configured directory, validated, pinned by sha256. */
class FidReferencesTest {
    static Path write(Path dir, String id, int d, double shift) throws Exception {
        double[] mu = new double[d];
        double[] sigma = new double[d * d];
        for (int i = 0; i < d; i++) {
            mu[i] = i + shift;
            sigma[i * d + i] = 1;
        }
        Path file = dir.resolve(id + ".npz");
        NumpyArray.writeNpz(file, Map.of("mu", new NumpyArray(new long[]{d}, mu), "sigma", new NumpyArray(new long[]{d, d}, sigma)));
        return file;
    }

    /** The message a submit answers with: INVALID_ARGUMENT and the exception's text. */
    static String invalid(Runnable r) {
        StatusRuntimeException s = CoordinatorEndpoint.status(assertThrows(IllegalArgumentException.class, r::run));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getStatus().getCode());
        return s.getStatus().getDescription();
    }

    @Test
    void resolvesAnIdToItsStatisticsAndSha256(@TempDir Path dir) throws Exception {
        Path file = write(dir, "coco30k", 3, 0.5);
        FidReference r = new FidReferences(Optional.of(dir)).resolve("coco30k", 3);
        assertEquals("coco30k", r.id());
        assertEquals(PngCodec.sha256(Files.readAllBytes(file)), r.sha256());
        assertArrayEquals(new double[]{0.5, 1.5, 2.5}, r.statistics().mean(), 0);
        assertEquals(r.sha256(), new FidReferences(Optional.of(dir)).resolve("coco30k", 0).sha256(), "dimension unknown: not checked");
    }

    @Test
    void submitErrorsNameTheField(@TempDir Path dir) throws Exception {
        write(dir, "coco30k", 3, 0);
        FidReferences refs = new FidReferences(Optional.of(dir));
        assertEquals("metrics.fid_reference: unknown reference statistics 'coco10k' (no " + dir.resolve("coco10k.npz") + ")",
                invalid(() -> refs.resolve("coco10k", 3)));
        assertEquals("metrics.fid_reference: statistics 'coco30k' are 3-dimensional but the utility service's features are "
                + "2048-dimensional", invalid(() -> refs.resolve("coco30k", 2048)));
        assertEquals("metrics.fid_reference: 1-64 letters, digits, '.', '_', '-' naming a statistics file, got '../coco30k'",
                invalid(() -> refs.resolve("../coco30k", 3)));
        assertEquals("metrics.fid_reference: 'coco30k' named but this coordinator has no reference statistics "
                + "(lucid.coordinator.fid-references is unset)", invalid(() -> new FidReferences(Optional.empty()).resolve("coco30k", 3)));
        Files.writeString(dir.resolve("broken.npz"), "not a zip");
        assertEquals("metrics.fid_reference: cannot read statistics 'broken': " + dir.resolve("broken.npz")
                + ": no arrays (is it an .npz archive?)", invalid(() -> refs.resolve("broken", 3)));
    }

    @Test
    void aFileChangedSinceSubmitIsRefusedAtReportTime(@TempDir Path dir) throws Exception {
        write(dir, "coco30k", 3, 0);
        FidReferences refs = new FidReferences(Optional.of(dir));
        String atSubmit = refs.resolve("coco30k", 3).sha256();
        assertEquals(atSubmit, refs.recorded("coco30k", atSubmit).sha256());
        write(dir, "coco30k", 3, 1);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> refs.recorded("coco30k", atSubmit));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("metrics.fid_reference: statistics 'coco30k' changed since the evaluation was submitted (sha256 then "
                + atSubmit + ", now " + refs.resolve("coco30k", 3).sha256() + "): restore the file, or name the new statistics "
                + "under a new id and submit again", e.getStatus().getDescription());
        Files.delete(dir.resolve("coco30k.npz"));
        assertEquals(Status.Code.FAILED_PRECONDITION,
                assertThrows(StatusRuntimeException.class, () -> refs.recorded("coco30k", atSubmit)).getStatus().getCode());
    }
}
