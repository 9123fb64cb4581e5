package dev.piecewise.run;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952, as {@code GZIPOutputStream} writes it, at the fastest level) with a deflater
 * from a small pool. A stored document is a dozen members, most of them a few hundred bytes, and making a deflater
 * (zlib's quarter megabyte of state, allocated and cleared) cost more than compressing such a member: 10 to 180 µs
 * against 3.
 */
final class GzipMember extends OutputStream {

    /** No name, no time, the OS unknown: what GZIPOutputStream writes. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** Deflaters kept for the next member: about as many as threads compress at once. */
    private static final BlockingQueue<Deflater> POOL = new ArrayBlockingQueue<>(16);

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final ByteArrayOutputStream bytes;
    private final byte[] buffer;

    private GzipMember(int expectedSize) {
        Deflater pooled = POOL.poll();
        this.deflater = pooled != null ? pooled : new Deflater(Deflater.BEST_SPEED, true);
        this.bytes = new ByteArrayOutputStream(Math.max(256, expectedSize));
        this.buffer = new byte[Math.min(1 << 16, Math.max(512, expectedSize))];
        bytes.writeBytes(HEADER);
    }

    /** The member of what {@code content} writes; {@code expectedSize} sizes its buffers. */
    static byte[] of(RunDocuments.Content content, int expectedSize) throws java.io.IOException {
        GzipMember member = new GzipMember(expectedSize);
        try {
            content.writeTo(member);
            return member.finish();
        } finally {
            member.deflater.reset();
            if (!POOL.offer(member.deflater)) {
                member.deflater.end();
            }
        }
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
            drain();
        }
    }

    private byte[] finish() {
        deflater.finish();
        while (!deflater.finished()) {
            drain();
        }
        writeIntLittleEndian((int) crc.getValue());
        writeIntLittleEndian((int) deflater.getBytesRead()); // ISIZE: the length modulo 2^32
        return bytes.toByteArray();
    }

    private void drain() {
        int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
        bytes.write(buffer, 0, n);
    }

    private void writeIntLittleEndian(int value) {
        bytes.write(value);
        bytes.write(value >>> 8);
        bytes.write(value >>> 16);
        bytes.write(value >>> 24);
    }
}
