package dev.piecewise.run;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Raw deflate blocks that end on a byte boundary and are not final (a sync flush ends them), with the CRC-32 and the
 * length of what they inflate to. Such runs of blocks, one after another, are one deflate stream, so parts
 * compressed apart, on other threads or by another run of a comparison, make one gzip member (pigz joins its
 * threads' output so): a stored document's part, or an answer that sends the stored parts as they are.
 * <p>
 * Compressed at the fastest level with a deflater from a small pool: a stored document has a dozen parts, most of
 * them a few hundred bytes, and making a deflater (zlib's quarter megabyte of state, allocated and cleared) cost
 * more than compressing such a part: 10 to 180 µs against 3.
 *
 * @param blocks the blocks, in arrays as they were compressed: parts joined by {@link #then} are not copied, and a
 *               stored document copies them once, into itself
 * @param crc    the CRC-32 of the bytes they inflate to
 * @param length how many bytes they inflate to
 */
record Deflated(List<byte[]> blocks, int crc, long length) {

    /** No name, no time, the OS unknown: what GZIPOutputStream writes. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** An empty final block (fixed Huffman codes: the final bit, the block type, the end-of-block code). */
    private static final byte[] FINAL_BLOCK = {0x03, 0x00};
    /** Deflaters kept for the next part: about as many as threads compress at once. */
    private static final BlockingQueue<Deflater> POOL = new ArrayBlockingQueue<>(16);

    /** What {@code content} writes, compressed; {@code expectedSize} sizes the buffers. */
    static Deflated of(RunDocuments.Content content, int expectedSize) throws IOException {
        Deflater pooled = POOL.poll();
        Deflater deflater = pooled != null ? pooled : new Deflater(Deflater.BEST_SPEED, true);
        try {
            Compressing out = new Compressing(deflater, expectedSize);
            content.writeTo(out);
            return out.flushed();
        } finally {
            deflater.reset();
            if (!POOL.offer(deflater)) {
                deflater.end();
            }
        }
    }

    /** These blocks, then {@code next}'s: what they inflate to, one after the other. */
    Deflated then(Deflated next) {
        List<byte[]> joined = new ArrayList<>(blocks.size() + next.blocks.size());
        joined.addAll(blocks);
        joined.addAll(next.blocks);
        return new Deflated(joined, Crc32.combine(crc, next.crc, next.length), length + next.length);
    }

    /** A gzip member of these blocks. */
    byte[] member() {
        return RunDocuments.join(memberPieces());
    }

    /** {@link #member()} in pieces, to be copied once into a document of several members. */
    List<byte[]> memberPieces() {
        List<byte[]> pieces = new ArrayList<>(blocks.size() + 2);
        pieces.add(HEADER);
        pieces.addAll(blocks);
        pieces.add(trailer(crc, length));
        return pieces;
    }

    /** One gzip member of {@code parts}, in order, streamed from their arrays rather than copied. */
    static InputStream member(List<Deflated> parts) {
        List<InputStream> pieces = new ArrayList<>(parts.size() + 2);
        pieces.add(new ByteArrayInputStream(HEADER));
        int crc = 0;
        long length = 0;
        for (Deflated part : parts) {
            part.blocks.forEach(block -> pieces.add(new ByteArrayInputStream(block)));
            crc = Crc32.combine(crc, part.crc, part.length);
            length += part.length;
        }
        pieces.add(new ByteArrayInputStream(trailer(crc, length)));
        return new SequenceInputStream(Collections.enumeration(pieces));
    }

    /** The size of {@link #member(List)} of {@code parts}. */
    static long memberSize(List<Deflated> parts) {
        long size = HEADER.length + FINAL_BLOCK.length + 8;
        for (Deflated part : parts) {
            for (byte[] block : part.blocks) {
                size += block.length;
            }
        }
        return size;
    }

    /** The final block, the CRC-32 and ISIZE (the length modulo 2^32), little-endian. */
    private static byte[] trailer(int crc, long length) {
        byte[] trailer = new byte[FINAL_BLOCK.length + 8];
        System.arraycopy(FINAL_BLOCK, 0, trailer, 0, FINAL_BLOCK.length);
        for (int i = 0; i < 4; i++) {
            trailer[FINAL_BLOCK.length + i] = (byte) (crc >>> (8 * i));
            trailer[FINAL_BLOCK.length + 4 + i] = (byte) (length >>> (8 * i));
        }
        return trailer;
    }

    /** Compresses what is written to it, a sync flush at its end. */
    private static final class Compressing extends OutputStream {

        private final Deflater deflater;
        private final CRC32 crc = new CRC32();
        private final ByteArrayOutputStream bytes;
        private final byte[] buffer;

        Compressing(Deflater deflater, int expectedSize) {
            this.deflater = deflater;
            this.bytes = new ByteArrayOutputStream(Math.max(256, expectedSize));
            this.buffer = new byte[Math.min(1 << 16, Math.max(512, expectedSize))];
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) {
                bytes.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
            }
        }

        Deflated flushed() {
            int n;
            do { // a full buffer may leave more to flush
                n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                bytes.write(buffer, 0, n);
            } while (n == buffer.length);
            return new Deflated(List.of(bytes.toByteArray()), (int) crc.getValue(), deflater.getBytesRead());
        }
    }

    /** zlib's {@code crc32_combine}: the CRC-32 of two byte runs one after the other, from the CRC-32 of each. */
    static final class Crc32 {

        private static final int POLYNOMIAL = 0xedb88320; // reflected
        /** {@code x^(2^k)} modulo the polynomial, for k from 0 to 31. */
        private static final int[] X_TO_2_TO_K = new int[32];

        static {
            int p = 1 << 30; // x^1
            X_TO_2_TO_K[0] = p;
            for (int k = 1; k < 32; k++) {
                X_TO_2_TO_K[k] = p = multiply(p, p);
            }
        }

        private Crc32() {
        }

        static int combine(int crc1, int crc2, long length2) {
            return multiply(xToThe8n(length2), crc1) ^ crc2;
        }

        /** {@code a * b} modulo the polynomial, in its reflected form. */
        private static int multiply(int a, int b) {
            int m = 1 << 31;
            int product = 0;
            while (true) {
                if ((a & m) != 0) {
                    product ^= b;
                    if ((a & (m - 1)) == 0) {
                        return product;
                    }
                }
                m >>>= 1;
                b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
            }
        }

        /** {@code x^(8n)}: the shift of a CRC by {@code n} bytes. */
        private static int xToThe8n(long n) {
            int p = 1 << 31; // x^0
            for (int k = 3; n != 0; n >>>= 1, k++) {
                if ((n & 1) != 0) {
                    p = multiply(X_TO_2_TO_K[k & 31], p);
                }
            }
            return p;
        }
    }
}
