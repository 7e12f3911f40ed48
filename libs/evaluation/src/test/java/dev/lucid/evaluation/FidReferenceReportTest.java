package dev.lucid.evaluation;

import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ScorerRecord;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.image.PngCodec;
import dev.lucid.metrics.fid.FeatureMoments;
import dev.lucid.metrics.fid.FeatureStatisticsFiles;
import dev.lucid.metrics.fid.FrechetDistance;
import dev.lucid.metrics.fid.GaussianStatistics;
import dev.lucid.metrics.fid.NumpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FID against reference statistics named in the spec: written as a pytorch-fid .npz, read back as the coordinator
 * reads it, and compared with FrechetDistance on the same features computed directly.
 */
class FidReferenceReportTest {
    static final ScorerRecord FEATURES = ScorerRecord.newBuilder().setRole("features").setId("inception")
            .setFingerprint("f".repeat(64)).build();

    static List<ItemResult> all() {
        List<ItemResult> all = new ArrayList<>();
        all.addAll(ReportAssemblerTest.results("base", 90, 4, 0.9));
        all.addAll(ReportAssemblerTest.results("illusion", 90, 2, 0.1));
        all.addAll(ReportAssemblerTest.results("degraded", 60, 2, 0.1));
        return all;
    }

    /** Features of {@code d} dimensions: the 4 of ReportAssemblerTest, repeated with a per-dimension offset. */
    static float[] features(ItemResult r, int d) {
        float[] base = ReportAssemblerTest.features(r);
        float[] f = new float[d];
        for (int i = 0; i < d; i++) {
            f[i] = base[i % 4] + (i / 4) * 0.5f * base[(i + 1) % 4];
        }
        return f;
    }

    /** Reference statistics of d dimensions (a mean and a positive-definite covariance), written as an .npz. */
    static FidReference reference(Path dir, int d) throws Exception {
        double[] mu = new double[d];
        double[] sigma = new double[d * d];
        for (int i = 0; i < d; i++) {
            mu[i] = 3 + 0.25 * i;
            for (int j = 0; j < d; j++) {
                sigma[i * d + j] = (i == j ? 2.0 : 0) + 0.3 / (1 + Math.abs(i - j));
            }
        }
        Path file = dir.resolve("coco-toy.npz");
        NumpyArray.writeNpz(file, Map.of("mu", new NumpyArray(new long[]{d}, mu),
                "sigma", new NumpyArray(new long[]{d, d}, sigma)));
        return new FidReference("coco-toy", PngCodec.sha256(Files.readAllBytes(file)), FeatureStatisticsFiles.load(file));
    }

    static Report assemble(FidReference ref, int d) throws Exception {
        return new ReportAssembler(new ReportAssembler.Settings(0.5, 200, 7, 0, 5)).assemble("ev-test",
                ReportAssemblerTest.spec(), ReportAssemblerTest.plan(), all(), r -> features(r, d), ReportAssemblerTest::embed,
                List.of(FEATURES), ref);
    }

    /** FID of one model's benign-simple features against the reference, computed directly. */
    static double direct(String model, int d, GaussianStatistics ref) {
        List<float[]> rows = all().stream().filter(r -> r.modelLabel().equals(model) && r.stratum().equals("benign-simple"))
                .map(r -> features(r, d)).toList();
        FeatureMoments m = new FeatureMoments(d);
        m.add(rows.toArray(float[][]::new));
        return FrechetDistance.between(m.statistics(model), ref);
    }

    @Test
    void everyModelGetsFidAgainstTheStatisticsWithTheirProvenance(@TempDir Path dir) throws Exception {
        int d = 4;
        FidReference ref = reference(dir, d);
        Report r = assemble(ref, d);
        assertEquals("inception", r.getFeatureId());
        assertEquals("f".repeat(64), r.getFeatureFingerprint());
        assertEquals(d, r.getFeatureDimension());
        assertEquals("coco-toy", r.getFidStatistics());
        assertEquals(PngCodec.sha256(Files.readAllBytes(dir.resolve("coco-toy.npz"))), r.getFidStatisticsSha256());
        assertEquals("baseline:base", r.getFidReference());
        for (ModelResult m : r.getModelsList()) {
            StratumResult s = ReportAssemblerTest.stratum(m, Stratum.STRATUM_BENIGN_SIMPLE);
            double expected = direct(m.getLabel(), d, ref.statistics());
            assertTrue(expected > 1, m.getLabel() + ": the statistics differ from the features");
            assertEquals(expected, s.getFidStatistics().getValue(), 1e-9 * expected, m.getLabel());
            assertEquals(ReportAssemblerTest.PROMPTS * ReportAssemblerTest.SEEDS, s.getFidStatistics().getN());
            assertTrue(s.getFidStatistics().getLow() <= s.getFidStatistics().getHigh());
            assertFalse(s.getFidBelowDimension(), "24 images, 4 dimensions");
            // Only the coarse stratum gets FID.
            assertFalse(ReportAssemblerTest.stratum(m, Stratum.STRATUM_BENIGN_COMPOSITIONAL).hasFidStatistics());
        }
        // The degraded model's features are shifted by 1: farther from these statistics (mean above the features').
        assertTrue(ReportAssemblerTest.stratum(r.getModels(2), Stratum.STRATUM_BENIGN_SIMPLE).getFidStatistics().getValue()
                != ReportAssemblerTest.stratum(r.getModels(0), Stratum.STRATUM_BENIGN_SIMPLE).getFidStatistics().getValue());
        // Without statistics the report is as before.
        Report plain = assemble(null, d);
        assertFalse(ReportAssemblerTest.stratum(plain.getModels(0), Stratum.STRATUM_BENIGN_SIMPLE).hasFidStatistics());
        assertEquals("", plain.getFidStatistics());
        assertEquals(ReportAssemblerTest.stratum(plain.getModels(2), Stratum.STRATUM_BENIGN_SIMPLE).getFid(),
                ReportAssemblerTest.stratum(r.getModels(2), Stratum.STRATUM_BENIGN_SIMPLE).getFid());
    }

    @Test
    void fewerImagesThanDimensionsIsFlagged(@TempDir Path dir) throws Exception {
        int d = 32;
        FidReference ref = reference(dir, d);
        Report r = assemble(ref, d);
        for (ModelResult m : r.getModelsList()) {
            StratumResult s = ReportAssemblerTest.stratum(m, Stratum.STRATUM_BENIGN_SIMPLE);
            assertTrue(s.getFidBelowDimension(), m.getLabel() + ": 24 images < 32 dimensions");
            // The report takes the exact N×N form of the trace term, the direct FID the D×D eigen path of a singular
            // covariance: equal to rounding.
            assertEquals(direct(m.getLabel(), d, ref.statistics()), s.getFidStatistics().getValue(),
                    1e-8 * s.getFidStatistics().getValue());
        }
    }

    @Test
    void statisticsOfAnotherDimensionAreRefused(@TempDir Path dir) throws Exception {
        FidReference ref = reference(dir, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> assemble(ref, 4));
        assertEquals("metrics.fid_reference: statistics 'coco-toy' are 3-dimensional, the recorded features 4-dimensional",
                e.getMessage());
    }
}
