package dev.lucid.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG for generated images. Encoding is Lucid's own and byte-for-byte deterministic (no timestamps or
 * metadata, filter 0, fixed zlib level), so equal pixels give equal bytes and equal content hashes.
 * Decoding accepts any PNG but checks the declared size before decompressing anything.
 */
public final class PngCodec {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngCodec() {
    }

    /** Encodes an image as an 8-bit RGB PNG. */
    public static byte[] encode(RgbImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(SIGNATURE);
            ByteBuffer ihdr = ByteBuffer.allocate(13);
            ihdr.putInt(image.width()).putInt(image.height()).put((byte) 8).put((byte) 2).put((byte) 0)
                    .put((byte) 0).put((byte) 0);
            chunk(out, "IHDR", ihdr.array());
            byte[] rgb = image.rgb();
            int stride = image.width() * 3;
            byte[] raw = new byte[image.height() * (stride + 1)];
            for (int y = 0; y < image.height(); y++) {
                raw[y * (stride + 1)] = 0; // filter: none
                System.arraycopy(rgb, y * stride, raw, y * (stride + 1) + 1, stride);
            }
            Deflater deflater = new Deflater(6);
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                z.write(buf, 0, deflater.deflate(buf));
            }
            deflater.end();
            chunk(out, "IDAT", z.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /**
     * Decodes a PNG to RGB (alpha dropped, grey expanded).
     *
     * @throws IllegalArgumentException for data that is not a PNG, is corrupt, or declares a side over
     *                                  {@link RgbImage#MAX_SIDE}
     */
    public static RgbImage decode(byte[] png) {
        if (png.length < 33 || !java.util.Arrays.equals(java.util.Arrays.copyOf(png, 8), SIGNATURE)) {
            throw new IllegalArgumentException("not a PNG");
        }
        ByteBuffer b = ByteBuffer.wrap(png);
        if (b.getInt(8) != 13 || b.get(12) != 'I' || b.get(13) != 'H' || b.get(14) != 'D' || b.get(15) != 'R') {
            throw new IllegalArgumentException("PNG does not start with an IHDR chunk");
        }
        int w = b.getInt(16);
        int h = b.getInt(20);
        if (w < 1 || h < 1 || w > RgbImage.MAX_SIDE || h > RgbImage.MAX_SIDE) {
            throw new IllegalArgumentException("PNG size " + Integer.toUnsignedString(w) + "x"
                    + Integer.toUnsignedString(h) + " outside 1.." + RgbImage.MAX_SIDE);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt PNG: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("corrupt PNG");
        }
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int o = 3 * (y * w + x);
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Lower-case hex sha256 of bytes (the content hash of a PNG). */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
