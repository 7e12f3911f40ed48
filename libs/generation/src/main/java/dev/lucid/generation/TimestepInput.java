package dev.lucid.generation;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import dev.lucid.kserve.TensorSpec;

/**
 * How a denoiser takes its {@code timestep}, read from its metadata rather than assumed: one value per row
 * ({@code [batch]} or {@code [batch, 1]}), one value broadcast over the batch ({@code [1]}, what optimum ≤ 1.23
 * exports for Stable Diffusion's UNet, served unbatched) or a scalar ({@code []}, optimum ≥ 1.24), as INT64,
 * INT32, FP32 or FP64.
 *
 * @param dataType the tensor's datatype
 * @param layout   its shape
 */
record TimestepInput(DataType dataType, Layout layout) {

    /** The tensor's shape for a call of n rows. */
    enum Layout {
        /** [n]: one value per row. */
        PER_ROW,
        /** [n, 1]: one value per row (Triton batching of a [1] tensor). */
        PER_ROW_COLUMN,
        /** [1]: one value for all rows. */
        BROADCAST,
        /** []: one value for all rows. */
        SCALAR
    }

    /**
     * Reads the layout from the denoiser's metadata.
     *
     * @param batched whether the denoiser is served with Triton batching (its first dimension is the batch)
     */
    static TimestepInput of(TensorSpec spec, boolean batched, String denoiser) {
        DataType type = spec.dataType();
        if (type != DataType.INT64 && type != DataType.INT32 && type != DataType.FP32 && type != DataType.FP64) {
            throw new IllegalStateException("denoiser '" + denoiser + "': timestep must be INT64, INT32, FP32 or FP64, "
                    + "metadata says " + type);
        }
        TensorShape s = spec.shape();
        Layout layout = switch (s.rank()) {
            case 0 -> Layout.SCALAR;
            case 1 -> batched ? Layout.PER_ROW : s.dim(0) == 1 || s.dim(0) == -1 ? Layout.BROADCAST : null;
            case 2 -> batched && (s.dim(1) == 1 || s.dim(1) == -1) ? Layout.PER_ROW_COLUMN : null;
            default -> null;
        };
        if (layout == null) {
            throw new IllegalStateException("denoiser '" + denoiser + "': timestep must be [batch], [batch, 1], [1] or [] "
                    + (batched ? "(batched)" : "(unbatched)") + ", metadata says " + s);
        }
        return new TimestepInput(type, layout);
    }

    /** The timestep tensor for rows {@code from .. from + n - 1} of a call. */
    Tensor tensor(long[] timesteps, int from, int n) {
        boolean one = layout == Layout.BROADCAST || layout == Layout.SCALAR;
        if (one) {
            for (int i = from + 1; i < from + n; i++) {
                if (timesteps[i] != timesteps[from]) {
                    throw new IllegalStateException("the denoiser takes one timestep per call, the rows have "
                            + timesteps[from] + " and " + timesteps[i]);
                }
            }
        }
        TensorShape shape = switch (layout) {
            case PER_ROW -> TensorShape.of(n);
            case PER_ROW_COLUMN -> TensorShape.of(n, 1);
            case BROADCAST -> TensorShape.of(1);
            case SCALAR -> TensorShape.of();
        };
        long[] t = java.util.Arrays.copyOfRange(timesteps, from, from + (one ? 1 : n));
        return switch (dataType) {
            case INT64 -> Tensor.ofLongs("timestep", shape, t);
            case INT32 -> Tensor.ofInts("timestep", shape, java.util.Arrays.stream(t).mapToInt(Math::toIntExact).toArray());
            case FP64 -> Tensor.ofDoubles("timestep", shape, java.util.Arrays.stream(t).mapToDouble(v -> v).toArray());
            default -> {
                float[] f = new float[t.length];
                for (int i = 0; i < t.length; i++) {
                    f[i] = t[i];
                }
                yield Tensor.ofFloats("timestep", shape, f);
            }
        };
    }
}
