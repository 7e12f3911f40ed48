package dev.lucid.metrics.fid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gaussian statistics from files other tools write: an {@code .npy} feature array (N×D, float32/float64), or
 * an {@code .npz} holding {@code mu} and {@code sigma} as pytorch-fid's {@code --save-stats} writes them.
 */
public final class FeatureStatisticsFiles {
    private FeatureStatisticsFiles() {
    }

    /** Loads statistics; the set id is the file name. An .npz carries no N, so its N is 0 (unknown). */
    public static GaussianStatistics load(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".npy")) {
            NumpyArray a = NumpyArray.readNpy(file);
            if (a.rank() != 2 || a.shape()[0] < 2 || a.shape()[1] < 1) {
                throw new IOException(file + ": expected features of shape (N, D) with N ≥ 2, got " + shapeText(a));
            }
            int n = (int) a.shape()[0];
            int d = (int) a.shape()[1];
            if (d > GaussianStatistics.MAX_DIMENSION) {
                throw new IOException(file + ": feature dimension " + d + " exceeds " + GaussianStatistics.MAX_DIMENSION);
            }
            FeatureMoments m = new FeatureMoments(d);
            try {
                m.addRowMajor(a.data(), n);
                return m.statistics(name);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e); // NaN or infinite features
            }
        }
        if (name.endsWith(".npz")) {
            Map<String, NumpyArray> arrays = NumpyArray.readNpz(file);
            NumpyArray mu = arrays.get("mu");
            NumpyArray sigma = arrays.get("sigma");
            if (mu == null || sigma == null) {
                throw new IOException(file + ": expected arrays 'mu' and 'sigma' (pytorch-fid --save-stats), found " + arrays.keySet());
            }
            if (mu.rank() != 1) {
                throw new IOException(file + ": 'mu' must be a vector, got shape " + shapeText(mu));
            }
            long d = mu.shape()[0];
            if (sigma.rank() != 2 || sigma.shape()[0] != d || sigma.shape()[1] != d) {
                throw new IOException(file + ": 'sigma' must be " + d + "×" + d + ", got shape " + shapeText(sigma));
            }
            try {
                return new GaussianStatistics(name, 0, mu.data(), sigma.data());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": expected an .npy feature array or an .npz with mu and sigma");
    }

    private static String shapeText(NumpyArray a) {
        return java.util.Arrays.toString(a.shape()).replace('[', '(').replace(']', ')');
    }
}
