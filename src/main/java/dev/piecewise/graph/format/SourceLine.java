package dev.piecewise.graph.format;

/**
 * One line of Python source as the parser sees it, with where it stands in the upload: its 1-based line number
 * and the number of characters stripped before it (a log prefix), so errors point into the original upload.
 */
record SourceLine(String text, int line, int columnOffset) {

    static java.util.List<SourceLine> of(String text) {
        java.util.List<SourceLine> lines = new java.util.ArrayList<>();
        int start = 0;
        int number = 1;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            lines.add(new SourceLine(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, number++, 0));
            if (end == text.length()) {
                break;
            }
            start = end + 1;
        }
        return lines;
    }
}
