package dev.piecewise.graph.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The graphs in an fx-python upload: a plain file holds one; a {@code TORCH_LOGS=graph_code} excerpt holds one
 * per {@code TRACED GRAPH} block, its lines behind log prefixes that are stripped here (their length is kept, so
 * errors still point into the original upload).
 */
final class PythonSource {

    private static final String GRAPH_CODE = "[__graph_code]";

    private PythonSource() {
    }

    /**
     * Where the code of a {@code TORCH_LOGS=graph_code} record starts, after its log prefix, or -1 for any other
     * line. The prefix is a glog header, a file and line ending in ']', bracketed tags, the last of which is
     * {@code [__graph_code]}, and a space:
     * {@code V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [0/0] [__graph_code] }. Read by hand
     * rather than by a regex: every line of a log passes here, 120,000 of them for a 60,000-node graph.
     */
    static int codeStart(String line) {
        int n = line.length();
        if (n < 6 || line.charAt(0) < 'A' || line.charAt(0) > 'Z') {
            return -1;
        }
        int i = digits(line, 1, 4);
        i = digits(line, expect(line, i, ' '), 2);
        i = digits(line, expect(line, i, ':'), 2);
        i = digits(line, expect(line, i, ':'), 2);
        i = digits(line, expect(line, i, '.'), 0);
        i = digits(line, spaces(line, i), 0); // the thread
        i = spaces(line, i);
        if (i < 0) {
            return -1;
        }
        int file = i;
        while (i < n && !isSpace(line.charAt(i))) {
            i++;
        }
        // The file and line end in ']' (a space follows: the tags, or nothing).
        if (i - file < 2 || line.charAt(i - 1) != ']') {
            return -1;
        }
        int code = -1;
        while (i + 1 < n && line.charAt(i) == ' ' && line.charAt(i + 1) == '[') {
            int close = line.indexOf(']', i + 2);
            if (close < 0) {
                break;
            }
            if (line.startsWith(GRAPH_CODE, i + 1) && close == i + GRAPH_CODE.length()) {
                code = close + 1;
            }
            i = close + 1;
        }
        return code < 0 || code == n || line.charAt(code) != ' ' ? code : code + 1;
    }

    /** After {@code count} digits at {@code i} (one or more for 0), or -1. */
    private static int digits(String line, int i, int count) {
        int start = i;
        while (i >= 0 && i < line.length() && line.charAt(i) >= '0' && line.charAt(i) <= '9'
                && (count == 0 || i - start < count)) {
            i++;
        }
        return i < 0 || i == start || count > 0 && i - start != count ? -1 : i;
    }

    private static int expect(String line, int i, char c) {
        return i >= 0 && i < line.length() && line.charAt(i) == c ? i + 1 : -1;
    }

    /** After one or more whitespace characters at {@code i}, or -1. */
    private static int spaces(String line, int i) {
        int start = i;
        while (i >= 0 && i < line.length() && isSpace(line.charAt(i))) {
            i++;
        }
        return i <= start ? -1 : i;
    }

    /** What a Java regex matches by {@code \s}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    static List<List<SourceLine>> graphs(String text) {
        List<SourceLine> lines = SourceLine.of(text);
        if (lines.stream().noneMatch(l -> codeStart(l.text()) >= 0)) {
            return List.of(lines);
        }
        List<List<SourceLine>> graphs = new ArrayList<>();
        List<SourceLine> current = null;
        for (SourceLine line : lines) {
            int offset = codeStart(line.text());
            if (offset < 0) {
                continue; // other log records interleaved with the graph code
            }
            String code = line.text().substring(offset);
            if (code.trim().equals("TRACED GRAPH")) {
                current = new ArrayList<>();
                graphs.add(current);
                continue;
            }
            if (current == null) {
                current = new ArrayList<>();
                graphs.add(current);
            }
            int classAt = code.indexOf("class GraphModule(");
            if (classAt > 0 && !code.substring(0, classAt).isBlank()) {
                // "site-packages/torch/fx/_lazy_graph_module.py class GraphModule(...)": keep the class line only
                offset += classAt;
                code = code.substring(classAt);
            }
            current.add(new SourceLine(code, line.line(), offset));
        }
        graphs.removeIf(g -> g.stream().noneMatch(l -> l.text().trim().startsWith("def forward(")));
        return graphs.isEmpty() ? List.of(lines) : graphs;
    }
}
