package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place that knows where things are in an upload: its lines (ended by {@code \n}, {@code \r\n} or a
 * lone {@code \r}) and the 1-based line and column of any offset. Every text parser reads lines from here and
 * reports errors through it, so positions mean the same in every format.
 */
final class SourceText {

    private final String text;
    /** Offset where line {@code i} starts; one extra entry past the end. */
    private final int[] starts;
    /** Offset where line {@code i}'s text ends (before its terminator). */
    private final int[] ends;
    private final int count;

    private SourceText(String text) {
        this.text = text;
        int capacity = 16;
        int[] s = new int[capacity];
        int[] e = new int[capacity];
        int n = 0;
        int start = 0;
        int length = text.length();
        // Without carriage returns (what PyTorch writes) String.indexOf finds each line end, many times faster than
        // looking at every character.
        boolean lineFeedsOnly = text.indexOf('\r') < 0;
        int i = 0;
        while (true) {
            if (lineFeedsOnly) {
                i = text.indexOf('\n', i);
                i = i < 0 ? length : i;
            }
            while (i < length && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                i++;
            }
            if (n + 1 >= s.length) {
                s = java.util.Arrays.copyOf(s, s.length * 2);
                e = java.util.Arrays.copyOf(e, e.length * 2);
            }
            s[n] = start;
            e[n] = i;
            n++;
            if (i >= length) {
                break;
            }
            i += text.charAt(i) == '\r' && i + 1 < length && text.charAt(i + 1) == '\n' ? 2 : 1;
            start = i;
        }
        s[n] = length;
        this.starts = s;
        this.ends = e;
        this.count = n;
    }

    static SourceText of(String text) {
        return new SourceText(text);
    }

    int lineCount() {
        return count;
    }

    /** The text of the 0-based line {@code index}, without its terminator. */
    String line(int index) {
        return text.substring(starts[index], ends[index]);
    }

    /** Where the 0-based line {@code index} starts in {@link #text()}. */
    int lineStart(int index) {
        return starts[index];
    }

    /** Where the 0-based line {@code index}'s text ends in {@link #text()}, before its terminator. */
    int lineEnd(int index) {
        return ends[index];
    }

    String text() {
        return text;
    }

    /** Every line with its 1-based number. */
    List<SourceLine> lines() {
        List<SourceLine> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(new SourceLine(line(i), i + 1, 0));
        }
        return lines;
    }

    /** The 0-based line holding {@code offset}. */
    int lineIndexOf(int offset) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    GraphParseException error(String message, int offset) {
        int index = lineIndexOf(offset);
        return new GraphParseException(message, index + 1, offset - starts[index] + 1);
    }
}
