package dev.lucid.metrics.fid;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The BLAS/LAPACK used by the FID code: dev.ludovic.netlib, which calls the system's libraries through JNI
 * (OpenBLAS on Debian) and falls back to a pure-Java port where none is installed.
 */
final class LinearAlgebra {
    static final BLAS BLAS;
    static final LAPACK LAPACK;

    static {
        // On JDK 17 the library first probes an incubator-vector implementation and logs a warning each start
        // when that module is absent; the JNI or Java implementation it then picks is what we report instead.
        Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder").setLevel(Level.SEVERE);
        Logger.getLogger("dev.ludovic.netlib.lapack.InstanceBuilder").setLevel(Level.SEVERE);
        BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();
        LAPACK = dev.ludovic.netlib.lapack.LAPACK.getInstance();
    }

    private LinearAlgebra() {
    }

    /** Which implementations are in use, e.g. "JNIBLAS + JNILAPACK" (native) or "JavaBLAS + JavaLAPACK". */
    static String implementation() {
        return BLAS.getClass().getSimpleName() + " + " + LAPACK.getClass().getSimpleName();
    }
}
