package dev.piecewise.graph.format;

/**
 * One line of Python source as the parser sees it, with where it stands in the upload: its 1-based line number
 * and the number of characters stripped before it (a log prefix), so errors point into the original upload.
 */
record SourceLine(String text, int line, int columnOffset) {

    static java.util.List<SourceLine> of(String text) {
        return SourceText.of(text).lines();
    }

    /** The 1-based upload column of {@code index} in {@link #text()}. */
    int column(int index) {
        return columnOffset + index + 1;
    }
}
