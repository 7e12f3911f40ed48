package dev.lucid.metrics.fid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FID against the numpy/scipy computation (pytorch-fid) and a 50-digit reference, on committed fixtures. */
class FrechetDistanceTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path fixture(String name) {
        try {
            return Path.of(FrechetDistanceTest.class.getResource("/fid/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode reference() throws Exception {
        return JSON.readTree(fixture("reference.json").toFile());
    }

    /** Streams the rows in uneven batches across two accumulators, then merges them. */
    static GaussianStatistics streamed(NumpyArray a, String id) {
        int n = (int) a.shape()[0];
        int d = (int) a.shape()[1];
        FeatureMoments first = new FeatureMoments(d);
        FeatureMoments second = new FeatureMoments(d);
        int row = 0;
        int batch = 1;
        while (row < n) {
            int b = Math.min(batch, n - row);
            double[][] rows = new double[b][];
            for (int r = 0; r < b; r++) {
                rows[r] = java.util.Arrays.copyOfRange(a.data(), (row + r) * d, (row + r + 1) * d);
            }
            (row < n / 2 ? first : second).add(rows);
            row += b;
            batch = batch % 13 + 2;
        }
        first.merge(second);
        assertEquals(n, first.count());
        return first.statistics(id);
    }

    static double relative(double actual, double expected) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    @Test
    void equalsScipyOnEveryFixtureIncludingNearSingularAndNBelowD() throws Exception {
        for (JsonNode c : reference().get("cases")) {
            String name = c.get("name").asText();
            NumpyArray a = NumpyArray.readNpy(fixture(c.get("a").asText()));
            NumpyArray b = NumpyArray.readNpy(fixture(c.get("b").asText()));
            GaussianStatistics sa = streamed(a, name + "/a");
            GaussianStatistics sb = streamed(b, name + "/b");
            assertEquals(c.get("n_a").asLong(), sa.n());
            assertEquals(c.get("mean_a_0_float64").asDouble(), sa.mean()[0], 1e-14, name);
            assertEquals(c.get("cov_a_01").asDouble(), sa.covariance()[1], 1e-12, name);
            double trace = 0;
            for (int i = 0; i < sa.dimension(); i++) {
                trace += sa.covariance()[i * sa.dimension() + i];
            }
            assertEquals(c.get("trace_sigma_a").asDouble(), trace, 1e-10 * trace, name);

            double fid = FrechetDistance.between(sa, sb);
            double scipy = c.get("fid_scipy").asDouble();
            assertTrue(relative(fid, scipy) <= 1e-6, name + ": Lucid " + fid + " vs scipy " + scipy);
            if (c.has("fid_mpmath")) {
                double exact = c.get("fid_mpmath").asDouble();
                // At least as close to the 50-digit value as scipy's sqrtm gets (within 1e-9 where scipy is closer).
                assertTrue(relative(fid, exact) <= Math.max(1e-9, relative(scipy, exact)),
                        name + ": Lucid " + fid + " vs 50-digit " + exact + " (scipy " + scipy + ")");
            }
            // The eigendecomposition path (used when Cholesky fails) gives the same trace term, up to the rounding
            // floor of near-singular covariances (√ of eigenvalues ~1e-10·λmax).
            int d = sa.dimension();
            double viaCholesky = FrechetDistance.traceSqrtProduct(sa.covariance(), sb.covariance(), d, false);
            double viaEigen = FrechetDistance.traceSqrtProduct(sa.covariance(), sb.covariance(), d, true);
            assertEquals(viaCholesky, viaEigen, 1e-7 * viaCholesky, name);
        }
    }

    @Test
    void aPreparedReferenceGivesTheFullDistanceFromMappedCovariancesAndRowGrams() {
        java.util.Random rng = new java.util.Random(7);
        // {sample rows, D, reference rows}: fewer and more rows than D, and a singular reference (rows ≤ D).
        for (int[] c : new int[][]{{10, 64, 192}, {24, 256, 768}, {15, 16, 48}, {80, 32, 96}, {40, 32, 20}}) {
            int n = c[0];
            int d = c[1];
            double[][] rows = new double[n][d];
            double[][] other = new double[c[2]][d];
            for (double[] r : rows) {
                for (int k = 0; k < d; k++) {
                    r[k] = rng.nextGaussian() * (1 + k % 3);
                }
            }
            for (double[] r : other) {
                for (int k = 0; k < d; k++) {
                    r[k] = 0.5 + rng.nextGaussian();
                }
            }
            FeatureMoments a = new FeatureMoments(d);
            a.add(rows);
            FeatureMoments b = new FeatureMoments(d);
            b.add(other);
            GaussianStatistics sa = a.statistics("a");
            GaussianStatistics sb = b.statistics("b");
            double[] centred = new double[n * d];
            double trace = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    centred[i * d + k] = rows[i][k] - sa.mean()[k];
                    trace += centred[i * d + k] * centred[i * d + k] / (n - 1);
                }
            }
            FrechetReference ref = new FrechetReference(sb);
            double[] y = ref.map(centred, n);
            double[] gram = new double[n * n];
            double[] cov = new double[d * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < d; k++) {
                        gram[i + j * n] += y[i * d + k] * y[j * d + k] / (n - 1);
                    }
                }
                for (int k = 0; k < d; k++) {
                    for (int l = 0; l < d; l++) {
                        cov[k + l * d] += y[i * d + k] * y[i * d + l] / (n - 1);
                    }
                }
            }
            double full = FrechetDistance.between(sa, sb);
            double tolerance = (c[2] <= d ? 1e-6 : 1e-8) * full;
            String what = "N=" + n + " D=" + d + " reference rows " + c[2];
            // Each form where its matrix has full rank (the rounding-noise eigenvalues of a singular one add √noise).
            if (n > d) {
                assertEquals(full, ref.distance(sa.mean(), trace, cov), tolerance, what);
            } else {
                assertEquals(full, ref.distanceFromGram(sa.mean(), trace, gram, n), tolerance, what);
            }
        }
    }

    @Test
    void handComputedOneAndTwoDimensionalGaussians() {
        // D=1: (0−3)² + 1 + 4 − 2·√(1·4) = 10.
        GaussianStatistics a = new GaussianStatistics("a", 10, new double[]{0}, new double[]{1});
        GaussianStatistics b = new GaussianStatistics("b", 10, new double[]{3}, new double[]{4});
        assertEquals(10.0, FrechetDistance.between(a, b), 1e-12);
        // D=2 diagonal: ‖(1,1)‖² + (1+9) + (4+1) − 2(√4 + √9) = 2 + 15 − 10 = 7.
        GaussianStatistics c = new GaussianStatistics("c", 10, new double[]{0, 0}, new double[]{1, 0, 0, 9});
        GaussianStatistics e = new GaussianStatistics("e", 10, new double[]{1, 1}, new double[]{4, 0, 0, 1});
        assertEquals(7.0, FrechetDistance.between(c, e), 1e-12);
        // A singular covariance (a constant feature) takes the eigen path: (1−0)² + (1+0)+(4+0) − 2·2 = 2.
        GaussianStatistics f = new GaussianStatistics("f", 10, new double[]{0, 5}, new double[]{1, 0, 0, 0});
        GaussianStatistics g = new GaussianStatistics("g", 10, new double[]{1, 5}, new double[]{4, 0, 0, 0});
        assertEquals(2.0, FrechetDistance.between(f, g), 1e-12);
    }

    @Test
    void pytorchFidStatisticsFileGivesTheSameFidAsTheFeatures() throws Exception {
        JsonNode basic = reference().get("cases").get(0);
        GaussianStatistics fromNpz = FeatureStatisticsFiles.load(fixture("basic_a_stats.npz"));
        GaussianStatistics b = FeatureStatisticsFiles.load(fixture("basic_b.npy"));
        assertEquals(0, fromNpz.n());
        assertEquals(400, b.n());
        assertEquals("basic_b.npy", b.setId());
        assertTrue(relative(FrechetDistance.between(fromNpz, b), basic.get("fid_scipy").asDouble()) <= 1e-6);
    }

    @Test
    void readsFortranOrderedBigEndianArrays() throws Exception {
        NumpyArray c = NumpyArray.readNpy(fixture("basic_a.npy"));
        NumpyArray f = NumpyArray.readNpy(fixture("basic_a_fortran_be.npy"));
        assertEquals(java.util.Arrays.toString(c.shape()), java.util.Arrays.toString(f.shape()));
        for (int i = 0; i < c.data().length; i++) {
            assertEquals(c.data()[i], f.data()[i], 0.0, "value " + i);
        }
    }

    @Test
    void kidEqualsNumpyOnTheBasicFixture() throws Exception {
        NumpyArray a = NumpyArray.readNpy(fixture("basic_a.npy"));
        NumpyArray b = NumpyArray.readNpy(fixture("basic_b.npy"));
        double kid = KernelInceptionDistance.between(a.data(), 300, b.data(), 400, 32);
        double expected = reference().get("kid_basic").asDouble();
        assertEquals(expected, kid, 1e-9 * Math.abs(expected));
    }

    @Test
    void kidHandComputed() {
        // D=1, x = {0, 1}, y = {0, 2}: k(a,b) = (ab+1)³.
        // Kxx off-diagonal: k(0,1)=1 twice → 2/(2·1) = 1. Kyy: k(0,2)=1 twice → 1.
        // Kxy: k(0,0)=1, k(0,2)=1, k(1,0)=1, k(1,2)=27 → 30/4 = 7.5. KID = 1 + 1 − 15 = −13.
        assertEquals(-13.0, KernelInceptionDistance.between(new double[]{0, 1}, 2, new double[]{0, 2}, 2, 1), 1e-12);
    }

    @Test
    void kidOfADrawFromTheKernelMatrixEqualsKidOfTheDrawnVectors() throws Exception {
        NumpyArray a = NumpyArray.readNpy(fixture("basic_a.npy"));
        NumpyArray b = NumpyArray.readNpy(fixture("basic_b.npy"));
        int n = 60;
        int d = 32;
        double[] x = java.util.Arrays.copyOf(a.data(), n * d);
        KernelInceptionDistance.Draws draws = new KernelInceptionDistance.Draws(x, n, b.data(), 400, d);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 5; trial++) {
            int[] counts = new int[n];
            double[] drawn = new double[n * d];
            for (int r = 0; r < n; r++) {
                int i = random.nextInt(n);
                counts[i]++;
                System.arraycopy(x, i * d, drawn, r * d, d);
            }
            double expected = KernelInceptionDistance.between(drawn, n, b.data(), 400, d);
            assertEquals(expected, draws.kid(counts), 1e-9 * Math.abs(expected), "draw " + trial);
        }
        assertTrue(Double.isNaN(draws.kid(new int[n])), "an empty draw has no KID");
        int[] one = new int[n];
        one[7] = 2;
        double[] same = new double[2 * d];
        System.arraycopy(x, 7 * d, same, 0, d);
        System.arraycopy(x, 7 * d, same, d, d);
        assertEquals(KernelInceptionDistance.between(same, 2, b.data(), 400, d), draws.kid(one), 1e-9,
                "a vector drawn twice meets its copy");

        // Groups of three consecutive vectors (a prompt's images), the last one empty, drawn whole.
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = i / 3;
        }
        int groups = n / 3 + 1;
        KernelInceptionDistance.Draws byGroup = new KernelInceptionDistance.Draws(x, n, b.data(), 400, d, group, groups);
        for (int trial = 0; trial < 5; trial++) {
            int[] counts = new int[groups];
            int rows = 0;
            for (int r = 0; r < n / 3; r++) {
                counts[random.nextInt(n / 3)]++;
            }
            double[] drawn = new double[3 * (n / 3) * d];
            for (int g = 0; g < groups; g++) {
                for (int c = 0; c < counts[g]; c++) {
                    for (int i = 3 * g; i < 3 * g + 3 && i < n; i++) {
                        System.arraycopy(x, i * d, drawn, rows++ * d, d);
                    }
                }
            }
            double expected = KernelInceptionDistance.between(drawn, rows, b.data(), 400, d);
            assertEquals(expected, byGroup.kid(counts), 1e-9 * Math.abs(expected), "grouped draw " + trial);
        }
        assertThrows(IllegalArgumentException.class, () -> byGroup.kid(new int[n]));
    }

    @Test
    void refusesToCompareFidsAtDifferentNOrReference() {
        FidResult base = new FidResult(17.2, "base", 10_000, "coco-10k", 10_000);
        FidResult des = new FidResult(16.2, "des", 10_000, "coco-10k", 10_000);
        assertEquals(-1.0, des.difference(base), 1e-12);
        FidResult fewer = new FidResult(20.0, "des", 5_000, "coco-10k", 10_000);
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> fewer.difference(base));
        assertEquals("FIDs at different N are not comparable (FID is biased in N): 'des' N=5000 vs 'base' N=10000", n.getMessage());
        FidResult otherRef = new FidResult(15.0, "des", 10_000, "coco-30k", 30_000);
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> otherRef.difference(base));
        assertEquals("FIDs against different reference sets are not comparable: 'coco-30k' vs 'coco-10k'", r.getMessage());
        FidResult unknown = new FidResult(15.0, "stats.npz", 0, "coco-10k", 10_000);
        assertThrows(IllegalArgumentException.class, () -> unknown.difference(base));
    }

    @Test
    void refusesBadInputs() {
        FeatureMoments m = new FeatureMoments(2);
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[][]{{1, Double.NaN}}));
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[][]{{1, 2, 3}}));
        m.add(new double[][]{{1, 2}});
        assertThrows(IllegalStateException.class, () -> m.statistics("one"));
        assertThrows(IllegalArgumentException.class, () -> new FeatureMoments(0));
        GaussianStatistics a = new GaussianStatistics("a", 2, new double[]{0}, new double[]{1});
        GaussianStatistics b = new GaussianStatistics("b", 2, new double[]{0, 0}, new double[]{1, 0, 0, 1});
        assertEquals("feature dimensions differ: 'a' has 1, 'b' has 2",
                assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(a, b)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianStatistics("asym", 2, new double[]{0, 0}, new double[]{1, 0.5, 0.2, 1}));
    }

    @Test
    void rejectsFilesThatAreNotFeatures(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path text = dir.resolve("x.npy");
        java.nio.file.Files.writeString(text, "not numpy");
        assertTrue(assertThrows(java.io.IOException.class, () -> FeatureStatisticsFiles.load(text)).getMessage()
                .endsWith("not an .npy array (bad magic)"));
        Path csv = dir.resolve("x.csv");
        java.nio.file.Files.writeString(csv, "1,2");
        assertThrows(java.io.IOException.class, () -> FeatureStatisticsFiles.load(csv));
    }
}
