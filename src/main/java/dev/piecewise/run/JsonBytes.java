package dev.piecewise.run;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * JSON written once and read several times (into the stored document, into the answer) without ever being copied
 * into one array: a run of a million nodes is 150 MB of JSON, and each copy of it was that much more to allocate
 * and to hold. Bytes go into segments that double in size, as a ByteArrayOutputStream's array does, but are never
 * moved.
 */
final class JsonBytes extends OutputStream {

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[1 << 16];
    private int used;
    private long size;

    @Override
    public void write(int b) {
        if (used == current.length) {
            nextSegment();
        }
        current[used++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (used == current.length) {
                nextSegment();
            }
            int n = Math.min(length, current.length - used);
            System.arraycopy(bytes, offset, current, used, n);
            used += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    private void nextSegment() {
        full.add(current);
        current = new byte[(int) Math.min(1 << 26, 2L * current.length)];
        used = 0;
    }

    long size() {
        return size;
    }

    /** Whether the bytes end with {@code suffix}, which is shorter than a segment. */
    boolean endsWith(byte[] suffix) {
        if (size < suffix.length) {
            return false;
        }
        for (int i = 1; i <= suffix.length; i++) {
            if (byteFromEnd(i) != suffix[suffix.length - i]) {
                return false;
            }
        }
        return true;
    }

    /** The {@code i}-th byte from the end, 1 for the last. */
    private byte byteFromEnd(int i) {
        if (i <= used) {
            return current[used - i];
        }
        byte[] previous = full.get(full.size() - 1);
        return previous[previous.length - (i - used)];
    }

    /** Drops the last {@code count} bytes. */
    void dropLast(int count) {
        if (count > size) {
            throw new IllegalArgumentException("only " + size + " bytes to drop");
        }
        size -= count;
        while (count > used) { // the bytes reach back into the segment before
            count -= used;
            current = full.remove(full.size() - 1);
            used = current.length;
        }
        used -= count;
    }

    void writeTo(OutputStream out) throws IOException {
        writeTo(out, 0, size);
    }

    /** Writes the bytes from offset {@code from} up to {@code to}. */
    void writeTo(OutputStream out, long from, long to) throws IOException {
        long start = 0; // the offset of the segment at hand
        for (int i = 0; i <= full.size() && start < to; i++) {
            byte[] segment = i < full.size() ? full.get(i) : current;
            long length = i < full.size() ? segment.length : used;
            long first = Math.max(from, start);
            long end = Math.min(to, start + length);
            if (first < end) {
                out.write(segment, (int) (first - start), (int) (end - first));
            }
            start += length;
        }
    }

    /** The first {@code length} bytes as a stream, then {@code more}; nothing is copied. */
    InputStream asStream(long length, byte[] more) {
        List<InputStream> parts = new ArrayList<>();
        long left = length;
        for (byte[] segment : full) {
            parts.add(new ByteArrayInputStream(segment, 0, (int) Math.min(left, segment.length)));
            left -= Math.min(left, segment.length);
        }
        parts.add(new ByteArrayInputStream(current, 0, (int) Math.min(left, used)));
        parts.add(new ByteArrayInputStream(more));
        return new SequenceInputStream(Collections.enumeration(parts));
    }
}
