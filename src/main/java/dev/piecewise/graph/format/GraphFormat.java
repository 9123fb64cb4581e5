package dev.piecewise.graph.format;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.trace.TraceLogReader;
import dev.piecewise.graph.trace.TraceUpload;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The upload formats (src/docs/formats.md), with auto-detection from the first non-blank line. */
public enum GraphFormat {
    FX_TEXT("fx-text"),
    FX_PYTHON("fx-python"),
    FX_JSON("fx-json"),
    TORCH_TRACE("torch-trace");

    private final String id;

    GraphFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Returns the format named {@code id}, or null for {@code auto}. */
    public static GraphFormat fromOption(String id) {
        if (id == null || id.equals("auto")) {
            return null;
        }
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown format '" + id + "'; accepted values: auto, " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(GraphFormat::id).collect(Collectors.joining(", "));
    }

    /**
     * {@code graph():} means fx-text, {@code {} fx-json, a glog line with a JSON envelope torch-trace,
     * {@code class GraphModule}/{@code def forward(} fx-python.
     */
    public static GraphFormat detect(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            throw SourceText.of(text).error("the upload is empty", 0);
        }
        if (text.startsWith("graph(", i)) {
            return FX_TEXT;
        }
        if (text.charAt(i) == '{') {
            return FX_JSON;
        }
        int end = text.indexOf('\n', i);
        if (TraceLogReader.looksLikeTrace(text.substring(i, end < 0 ? text.length() : end))) {
            return TORCH_TRACE;
        }
        if (text.startsWith("class ", i) || text.startsWith("def forward(", i) || text.contains("def forward(")) {
            return FX_PYTHON;
        }
        // Lines are found only for this error: detecting must not scan a 100 MB upload for them.
        throw SourceText.of(text).error("cannot tell the format: an fx-text graph starts with 'graph():', fx-json with '{',"
                + " fx-python with 'class GraphModule' or 'def forward('", i);
    }

    public Graph parse(String text, String name) {
        return read(text, name, 0).graph();
    }

    /**
     * Reads an upload in this format. Only fx-python uploads (TORCH_LOGS excerpts) can hold several graphs;
     * {@code graphIndex} picks one.
     *
     * @throws GraphIndexOutOfRangeException when {@code graphIndex} is out of range, naming how many graphs there are
     */
    public ParsedUpload read(String text, String name, int graphIndex) {
        return read(text, name, graphIndex, ParseLimits.DEFAULTS);
    }

    /** As {@link #read(String, String, int)}, within {@code limits} (nesting depth, node count). */
    public ParsedUpload read(String text, String name, int graphIndex, ParseLimits limits) {
        if (this == FX_PYTHON) {
            return FxPythonParser.read(text, name, graphIndex, limits);
        }
        if (this == TORCH_TRACE) {
            return TraceUpload.read(text, name, graphIndex, limits);
        }
        if (graphIndex != 0) {
            throw new GraphIndexOutOfRangeException("graphIndex " + graphIndex + " is out of range: an " + id
                    + " upload holds 1 graph (0)");
        }
        Graph graph = this == FX_TEXT ? FxTextParser.parse(text, name, limits) : FxJsonParser.parse(text, name, limits);
        return new ParsedUpload(this, graph, 1, 0, null);
    }
}
