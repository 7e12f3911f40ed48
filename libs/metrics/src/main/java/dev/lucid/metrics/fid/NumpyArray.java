package dev.lucid.metrics.fid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A floating-point array read from NumPy's {@code .npy} format (or one entry of an {@code .npz} archive, as
 * {@code np.savez}/{@code np.savez_compressed} write them). Values are widened to double, row-major.
 *
 * @param shape dimensions (empty for a scalar)
 * @param data  values in C (row-major) order
 */
public record NumpyArray(long[] shape, double[] data) {
    /** Largest array read (values); 2^28 doubles = 2 GiB. */
    public static final long MAX_VALUES = 1L << 28;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])(f)(4|8)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads a {@code .npy} file. */
    public static NumpyArray readNpy(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** Reads every array of a {@code .npz} archive, keyed by name without the {@code .npy} suffix. */
    public static Map<String, NumpyArray> readNpz(Path file) throws IOException {
        Map<String, NumpyArray> out = new LinkedHashMap<>();
        String entry = "";
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                entry = name;
                if (!name.endsWith(".npy")) {
                    throw new IOException(file + ": entry '" + name + "' is not an .npy array");
                }
                out.put(name.substring(0, name.length() - 4), parse(zip, file + ":" + name));
            }
        } catch (IOException | IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            // A corrupt or truncated archive (bad CRC, sizes, entry names, EOF): the zip reader's message lacks the file.
            throw new IOException(file + (entry.isEmpty() ? "" : ":" + entry) + ": corrupt .npz archive: " + e, e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no arrays (is it an .npz archive?)");
        }
        return out;
    }

    /**
     * Writes arrays as an {@code .npz} archive of little-endian float64 {@code .npy} entries (as {@code np.savez}
     * writes them, so {@code np.load} and pytorch-fid read it; e.g. {@code mu} and {@code sigma} statistics).
     */
    public static void writeNpz(Path file, Map<String, NumpyArray> arrays) throws IOException {
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, NumpyArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue().npy());
                zip.closeEntry();
            }
        }
    }

    /** This array in .npy version 1.0 format: header padded to 64 bytes, then float64 little-endian values. */
    private byte[] npy() {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.substring(0, dims.length() - 1) : dims.length() == 0 ? ""
                : dims.substring(0, dims.length() - 2);
        StringBuilder header = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + shapeText + "), }");
        while ((MAGIC.length + 4 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (double v : data) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    private static NumpyArray parse(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8) {
            throw new IOException(source + ": too short for an .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException(source + ": not an .npy array (bad magic)");
            }
        }
        int major = magic[6];
        int headerLength;
        if (major == 1) {
            byte[] len = in.readNBytes(2);
            if (len.length < 2) {
                throw new IOException(source + ": truncated .npy header");
            }
            headerLength = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = in.readNBytes(4);
            if (len.length < 4) {
                throw new IOException(source + ": truncated .npy header");
            }
            headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(source + ": unsupported .npy version " + major);
        }
        if (headerLength < 0 || headerLength > 1 << 16) {
            throw new IOException(source + ": implausible .npy header length " + headerLength);
        }
        byte[] headerBytes = in.readNBytes(headerLength);
        if (headerBytes.length != headerLength) {
            throw new IOException(source + ": truncated .npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        if (!descr.find()) {
            throw new IOException(source + ": only float32/float64 arrays are supported, header is " + header.trim());
        }
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int itemSize = Integer.parseInt(descr.group(3));
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!fortran.find() || !shapeText.find()) {
            throw new IOException(source + ": .npy header lacks fortran_order or shape: " + header.trim());
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shapeText.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Long.parseLong(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IOException(source + ": .npy shape has a non-integer dimension '" + part.trim() + "'");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long s : shape) {
            if (s < 0 || (s > 0 && count > MAX_VALUES / s)) {
                throw new IOException(source + ": array shape " + dims + " exceeds " + MAX_VALUES + " values");
            }
            count *= s;
        }
        double[] data = readValues(in, (int) count, itemSize, order, source);
        if (fortran.group(1).equals("True") && shape.length > 1) {
            data = fortranToC(data, shape);
        }
        return new NumpyArray(shape, data);
    }

    /**
     * Reads {@code count} values. The array grows with the data actually read, so a header that declares a huge
     * shape over a short file fails as truncated instead of allocating the declared size first.
     */
    private static double[] readValues(InputStream in, int count, int itemSize, ByteOrder order, String source) throws IOException {
        int perBlock = 1 << 16;
        byte[] block = new byte[perBlock * itemSize];
        double[] data = new double[Math.min(count, perBlock)];
        int done = 0;
        while (done < count) {
            int n = Math.min(perBlock, count - done);
            int bytes = in.readNBytes(block, 0, n * itemSize);
            if (bytes != n * itemSize) {
                throw new IOException(source + ": truncated data: expected " + count + " values, file ends after "
                        + (done + bytes / itemSize));
            }
            if (data.length < done + n) {
                data = java.util.Arrays.copyOf(data, (int) Math.min(count, Math.max(done + n, 2L * data.length)));
            }
            ByteBuffer buf = ByteBuffer.wrap(block, 0, bytes).order(order);
            for (int i = 0; i < n; i++) {
                data[done + i] = itemSize == 4 ? buf.getFloat() : buf.getDouble();
            }
            done += n;
        }
        return data;
    }

    /** Reorders column-major (Fortran) data into row-major order. */
    private static double[] fortranToC(double[] f, long[] shape) {
        int rank = shape.length;
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = (int) shape[i];
        }
        double[] c = new double[f.length];
        int[] index = new int[rank];
        for (int k = 0; k < c.length; k++) {
            // k walks C order; compute the Fortran offset of the same index.
            int off = 0;
            int stride = 1;
            for (int i = 0; i < rank; i++) {
                off += index[i] * stride;
                stride *= dims[i];
            }
            c[k] = f[off];
            for (int i = rank - 1; i >= 0; i--) {
                if (++index[i] < dims[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return c;
    }
}
