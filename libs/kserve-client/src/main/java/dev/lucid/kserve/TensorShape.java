package dev.lucid.kserve;

import java.util.Arrays;

/** An immutable tensor shape; in model metadata a dimension of -1 means "any size". */
public final class TensorShape {
    private final long[] dims;

    private TensorShape(long[] dims) {
        this.dims = dims;
    }

    /** A shape from its dimensions (copied). */
    public static TensorShape of(long... dims) {
        return new TensorShape(dims.clone());
    }

    /** A shape from protobuf's repeated int64 list. */
    public static TensorShape of(java.util.List<Long> dims) {
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return new TensorShape(d);
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension i. */
    public long dim(int i) {
        return dims[i];
    }

    /** A copy of the dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    /** Whether any dimension is variable (-1). */
    public boolean isVariable() {
        for (long d : dims) {
            if (d < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Number of elements of a concrete shape (a scalar has one).
     *
     * @throws IllegalArgumentException for negative dimensions or a count that overflows an int
     */
    public int elementCount() {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + this + " has a variable dimension");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + this + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Whether this concrete shape fits a pattern in which -1 matches any size. */
    public boolean matches(TensorShape pattern) {
        if (pattern.dims.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (pattern.dims[i] >= 0 && pattern.dims[i] != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** This shape with a leading dimension added. */
    public TensorShape prepend(long first) {
        long[] d = new long[dims.length + 1];
        d[0] = first;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new TensorShape(d);
    }

    /** This shape without its leading dimension. */
    public TensorShape dropFirst() {
        if (dims.length == 0) {
            throw new IllegalStateException("scalar shape has no leading dimension");
        }
        return new TensorShape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** This shape with its leading dimension replaced. */
    public TensorShape withFirst(long first) {
        long[] d = dims.clone();
        d[0] = first;
        return new TensorShape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
