package dev.lucid.runtime;

import dev.lucid.kserve.DataType;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Concatenates request tensors along the batch dimension and splits batched outputs back. */
final class TensorBatching {
    private TensorBatching() {
    }

    /** Whether two tensors can share a batch: same type and same shape apart from the batch dimension. */
    static boolean compatible(Tensor a, Tensor b) {
        return a.dataType() == b.dataType() && a.shape().rank() == b.shape().rank()
                && a.shape().dropFirst().equals(b.shape().dropFirst());
    }

    /**
     * Fixed-size tensors concatenated into a direct buffer, which ONNX Runtime reads without a copy.
     * {@code reuse} (may be null) is used when large enough: allocating direct memory per batch
     * costs more than the copy itself, so each worker keeps its buffers.
     */
    static ByteBuffer concatRaw(List<Tensor> parts, ByteBuffer reuse) {
        int total = 0;
        for (Tensor t : parts) {
            total += t.byteSize();
        }
        ByteBuffer out = reuse != null && reuse.capacity() >= total ? reuse.clear()
                : ByteBuffer.allocateDirect(Math.max(total, 4096));
        out.order(ByteOrder.LITTLE_ENDIAN).limit(total);
        for (Tensor t : parts) {
            out.put(t.rawData());
        }
        out.flip();
        return out;
    }

    /** BYTES tensors concatenated as UTF-8 strings. */
    static String[] concatStrings(List<Tensor> parts) {
        List<String> all = new ArrayList<>();
        for (Tensor t : parts) {
            all.addAll(Arrays.asList(OrtTensors.utf8(t.name(), t.bytesElements())));
        }
        return all.toArray(new String[0]);
    }

    /**
     * Splits a batched output into consecutive slices of the given batch sizes.
     *
     * @throws InferenceException when the output's leading dimension is not the total batch size
     */
    static List<Tensor> split(Tensor batched, int[] sizes) {
        int total = Arrays.stream(sizes).sum();
        TensorShape shape = batched.shape();
        if (shape.rank() == 0 || shape.dim(0) != total) {
            throw new InferenceException(io.grpc.Status.Code.INTERNAL, "output '" + batched.name() + "' has shape "
                    + shape + ", expected leading batch dimension " + total);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        if (sizes.length == 1) {
            out.add(batched);
            return out;
        }
        int perItem = total == 0 ? 0 : batched.elementCount() / total;
        if (batched.dataType() == DataType.BYTES) {
            byte[][] els = batched.bytesElements();
            int at = 0;
            for (int s : sizes) {
                byte[][] part = Arrays.copyOfRange(els, at, at + s * perItem);
                out.add(Tensor.ofBytes(batched.name(), shape.withFirst(s), part));
                at += s * perItem;
            }
            return out;
        }
        ByteBuffer raw = batched.rawData();
        int rowBytes = perItem * batched.dataType().byteSize();
        int at = 0;
        for (int s : sizes) {
            ByteBuffer slice = raw.duplicate();
            slice.position(at).limit(at + s * rowBytes);
            out.add(new Tensor(batched.name(), batched.dataType(), shape.withFirst(s), slice.slice()));
            at += s * rowBytes;
        }
        return out;
    }
}
