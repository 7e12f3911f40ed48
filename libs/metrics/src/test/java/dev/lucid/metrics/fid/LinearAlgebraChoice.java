package dev.lucid.metrics.fid;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.lucid.metrics.LinearAlgebra;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.netlib.util.intW;

import java.util.Locale;
import java.util.Random;

/**
 * Times the two kernels that dominate FID at scale, for each candidate library (run by
 * scripts/linear_algebra_choice.sh, not a test): the scatter matrix XᵀX of N×D features, and the eigenvalues of
 * a symmetric D×D matrix. Candidates: netlib through JNI (system OpenBLAS), netlib's pure-Java fallback, EJML.
 */
public final class LinearAlgebraChoice {
    private LinearAlgebraChoice() {
    }

    public static void main(String[] args) {
        int d = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Random r = new Random(1);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        System.out.printf(Locale.ROOT, "N=%d D=%d, %d CPUs; seconds per kernel%n", n, d, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-28s %10s %12s%n", "library", "XᵀX", "eigenvalues");
        double[] spd = netlib("netlib JNI (" + LinearAlgebra.implementation() + ")", LinearAlgebra.blas(), LinearAlgebra.lapack(), x, n, d);
        netlib("netlib pure Java", JavaBLAS.getInstance(), JavaLAPACK.getInstance(), x, n, d);
        ejml(x, n, d, spd);
    }

    private static double[] netlib(String name, BLAS blas, LAPACK lapack, double[] x, int n, int d) {
        double[] c = new double[d * d];
        long t0 = System.nanoTime();
        blas.dsyrk("U", "N", d, n, 1.0, x, d, 0.0, c, d);
        long t1 = System.nanoTime();
        double[] w = new double[d];
        double[] work = new double[1];
        int[] iwork = new int[1];
        intW info = new intW(0);
        double[] m = c.clone();
        lapack.dsyevd("N", "U", d, m, d, w, work, -1, iwork, -1, info);
        work = new double[(int) work[0]];
        iwork = new int[Math.max(1, iwork[0])];
        long t2 = System.nanoTime();
        lapack.dsyevd("N", "U", d, m, d, w, work, work.length, iwork, iwork.length, info);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%-28s %10.2f %12.2f%n", name, (t1 - t0) / 1e9, (t3 - t2) / 1e9);
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < j; i++) {
                c[j + i * d] = c[i + j * d];
            }
        }
        return c;
    }

    private static void ejml(double[] x, int n, int d, double[] spd) {
        DMatrixRMaj xm = DMatrixRMaj.wrap(n, d, x);
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        long t0 = System.nanoTime();
        CommonOps_MT_DDRM.multTransA(xm, xm, c);
        long t1 = System.nanoTime();
        var eig = DecompositionFactory_DDRM.eig(d, false, true);
        long t2 = System.nanoTime();
        eig.decompose(DMatrixRMaj.wrap(d, d, spd.clone()));
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%-28s %10.2f %12.2f%n", "EJML 0.46.1 (multi-threaded)", (t1 - t0) / 1e9, (t3 - t2) / 1e9);
    }
}
