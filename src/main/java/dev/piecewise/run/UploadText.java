package dev.piecewise.run;

import dev.piecewise.graph.GraphParseException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes an upload as UTF-8 text, rejecting binary data with the position of the first offending byte. */
final class UploadText {

    private UploadText() {
    }

    /** How much of an upload {@link #head} reads. */
    static final int HEAD = 1 << 16;

    /** The first {@link #HEAD} bytes as text, leniently: a character cut at the end or a bad byte is replaced. */
    static String head(byte[] bytes) {
        return new String(bytes, 0, Math.min(bytes.length, HEAD), StandardCharsets.UTF_8);
    }

    static String decode(byte[] bytes) {
        if (isAsciiWithoutNul(bytes)) { // what PyTorch writes: one copy into a compact string, no decoder
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw binary(bytes, in.position());
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw binary(bytes, new String(text.substring(0, nul)).getBytes(StandardCharsets.UTF_8).length);
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    /** Eight bytes at a time: a byte at or above 0x80 sets its high bit; a zero byte borrows through the subtraction. */
    private static boolean isAsciiWithoutNul(byte[] bytes) {
        int i = 0;
        for (int end = bytes.length - 7; i < end; i += 8) {
            long word = (long) LONGS.get(bytes, i);
            if ((word & HIGH_BITS) != 0 || ((word - LOW_BITS) & ~word & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    private static GraphParseException binary(byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new GraphParseException("the upload is not UTF-8 text (binary data at byte " + offset + ")", line,
                offset - lineStart + 1);
    }
}
