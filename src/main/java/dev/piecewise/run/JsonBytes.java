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

    void writeTo(OutputStream out) throws IOException {
        writeTo(out, 0, size);
    }

    /** Writes the bytes from offset {@code from} up to {@code to}. */
    void writeTo(OutputStream out, long from, long to) throws IOException {
        for (ByteArrayInputStream range : ranges(from, to)) {
            range.transferTo(out);
        }
    }

    /** The bytes from offset {@code from} up to {@code to} as a stream; nothing is copied. */
    InputStream asStream(long from, long to) {
        return new SequenceInputStream(Collections.enumeration(ranges(from, to)));
    }

    /** The bytes from offset {@code from} up to {@code to}, a view of each segment they are in. */
    private List<ByteArrayInputStream> ranges(long from, long to) {
        List<ByteArrayInputStream> ranges = new ArrayList<>();
        long start = 0; // the offset of the segment at hand
        for (int i = 0; i <= full.size() && start < to; i++) {
            byte[] segment = i < full.size() ? full.get(i) : current;
            long length = i < full.size() ? segment.length : used;
            long first = Math.max(from, start);
            long end = Math.min(to, start + length);
            if (first < end) {
                ranges.add(new ByteArrayInputStream(segment, (int) (first - start), (int) (end - first)));
            }
            start += length;
        }
        return ranges;
    }
}
