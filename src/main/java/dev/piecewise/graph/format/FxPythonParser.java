package dev.piecewise.graph.format;

import dev.piecewise.graph.Graph;

import java.util.List;

/**
 * Parses the Python FX's code generator writes ({@code gm.print_readable()}, {@code gm.code}, TORCH_LOGS
 * excerpts, vLLM's computation_graph.py): finds the graph's {@code def forward} and hands it to
 * {@link ForwardParser}; already split modules go through {@link SplitModuleReader}. Annotations such as
 * {@code "f32[s77, 32]"} and {@code "Sym(s77)"} give kinds, dtypes and shapes ({@link PythonAnnotations}).
 */
public final class FxPythonParser implements GraphParser {

    @Override
    public Graph parse(String text, String name) {
        return read(text, name, 0, ParseLimits.DEFAULTS).graph();
    }

    /**
     * Reads an upload: the graph at {@code graphIndex} of a TORCH_LOGS excerpt (0 for a plain file), inlined
     * when it is an already split module such as vLLM's computation_graph.py. The first {@code def forward} is
     * the graph; classes nested after it (print_readable's submodules) are what its get_attr nodes fetch.
     */
    static ParsedUpload read(String text, String name, int graphIndex, ParseLimits limits) {
        List<List<SourceLine>> graphs = PythonSource.graphs(text);
        if (graphIndex < 0 || graphIndex >= graphs.size()) {
            throw new GraphIndexOutOfRangeException("graphIndex " + graphIndex + " is out of range: the upload holds "
                    + graphs.size() + " graph" + (graphs.size() == 1 ? "" : "s") + " (0 to " + (graphs.size() - 1) + ")");
        }
        List<SourceLine> lines = graphs.get(graphIndex);
        if (SplitModuleReader.isSplitModule(lines)) {
            SplitModuleReader.Inlined inlined = SplitModuleReader.read(lines, name, limits);
            return new ParsedUpload(GraphFormat.FX_PYTHON, inlined.graph(), graphs.size(), graphIndex, inlined.view());
        }
        Graph graph = ForwardParser.parse(lines, ForwardParser.find(lines, 0), name, limits, false).graph();
        return new ParsedUpload(GraphFormat.FX_PYTHON, graph, graphs.size(), graphIndex, null);
    }
}
