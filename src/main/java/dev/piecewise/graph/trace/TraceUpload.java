package dev.piecewise.graph.trace;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.GraphIndexOutOfRangeException;
import dev.piecewise.graph.format.ParseLimits;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.graph.format.SplitView;

/**
 * Reads one graph of a TORCH_TRACE log as an upload: Dynamo's output graph, with vLLM's own split of it (when the
 * log holds one) as the split view, its nodes named as in Dynamo's graph so the two partitions compare.
 */
public final class TraceUpload {

    private TraceUpload() {
    }

    /**
     * @param graphIndex which output graph of the log, from 0
     * @param limits     the caps on each graph the log holds
     * @throws GraphIndexOutOfRangeException naming how many graphs the log holds
     */
    public static ParsedUpload read(String text, String name, int graphIndex, ParseLimits limits) {
        TraceLog log = TraceLog.read(text);
        int count = log.graphs().size();
        if (count == 0) {
            throw new GraphParseException("the trace holds no dynamo_output_graph entry with a payload; was the model "
                    + "compiled while TORCH_TRACE was set?", 1, 1);
        }
        if (graphIndex >= count) {
            throw new GraphIndexOutOfRangeException("graphIndex " + graphIndex + " is out of range: the trace holds "
                    + count + " graph" + (count == 1 ? "" : "s") + " (0 to " + (count - 1) + ")");
        }
        return read(log, log.graphs().get(graphIndex), name, limits);
    }

    /** One graph of a log already read, so a request for every graph reads the log once. */
    public static ParsedUpload read(TraceLog log, TraceGraph chosen, String name, ParseLimits limits) {
        Graph graph = readFxPython(chosen.readable(), name, chosen.readableLine(), limits).graph();
        SplitView view = chosen.vllmSplit() == null ? null
                : VllmSplit.read(chosen.vllmSplit(), chosen.vllmSplitLine(), graph, limits);
        return new ParsedUpload(GraphFormat.TORCH_TRACE, graph, log.graphs().size(), chosen.index(), view);
    }

    /**
     * The one call into the fx-python reader: a payload of {@code print_readable()} text, whose first line is
     * line {@code firstLine} of the log; errors are moved to the log's lines (payload lines start with a tab).
     */
    static ParsedUpload readFxPython(String payload, String name, int firstLine, ParseLimits limits) {
        try {
            return GraphFormat.FX_PYTHON.read(payload, name, 0, limits);
        } catch (GraphParseException e) {
            throw new GraphParseException(e.reason(), e.line() + firstLine - 1, e.column() + 1);
        }
    }
}
