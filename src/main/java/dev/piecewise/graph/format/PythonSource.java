package dev.piecewise.graph.format;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The graphs in an fx-python upload: a plain file holds one; a {@code TORCH_LOGS=graph_code} excerpt holds one
 * per {@code TRACED GRAPH} block, its lines behind log prefixes that are stripped here (their length is kept, so
 * errors still point into the original upload).
 */
final class PythonSource {

    // V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [0/0] [__graph_code] <code>
    private static final Pattern LOG_PREFIX = Pattern.compile("^[A-Z]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d+\\s+\\d+\\s+\\S+\\]"
            + "(?: \\[[^\\]]*\\])* \\[__graph_code\\] ?");

    private PythonSource() {
    }

    /** The glog header's first characters ({@code V1128 }), checked before the regex so plain code costs none. */
    private static boolean isLogRecord(String line) {
        if (line.length() < 6 || line.charAt(0) < 'A' || line.charAt(0) > 'Z' || line.charAt(5) != ' ') {
            return false;
        }
        for (int i = 1; i < 5; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return false;
            }
        }
        return LOG_PREFIX.matcher(line).find();
    }

    static List<List<SourceLine>> graphs(String text) {
        List<SourceLine> lines = SourceLine.of(text);
        if (lines.stream().noneMatch(l -> isLogRecord(l.text()))) {
            return List.of(lines);
        }
        List<List<SourceLine>> graphs = new ArrayList<>();
        List<SourceLine> current = null;
        for (SourceLine line : lines) {
            Matcher m = isLogRecord(line.text()) ? LOG_PREFIX.matcher(line.text()) : null;
            if (m == null || !m.find()) {
                continue; // other log records interleaved with the graph code
            }
            String code = line.text().substring(m.end());
            int offset = m.end();
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
