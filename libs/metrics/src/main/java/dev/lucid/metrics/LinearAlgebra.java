package dev.lucid.metrics;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The BLAS/LAPACK Lucid's metrics use: dev.ludovic.netlib, which calls the system's libraries through JNI
 * (OpenBLAS on Debian) and falls back to a pure-Java port where none is installed.
 */
public final class LinearAlgebra {
    private static final BLAS BLAS;
    private static final LAPACK LAPACK;

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

    /** The BLAS in use. */
    public static BLAS blas() {
        return BLAS;
    }

    /** The LAPACK in use. */
    public static LAPACK lapack() {
        return LAPACK;
    }

    /** Which implementations are in use, e.g. "JNIBLAS + JNILAPACK" (native) or "JavaBLAS + JavaLAPACK". */
    public static String implementation() {
        return BLAS.getClass().getSimpleName() + " + " + LAPACK.getClass().getSimpleName();
    }
}
