package dev.piecewise.graph.format;

import dev.piecewise.graph.ValueKind;

import java.util.List;

/** The submodules of an already split upload (vLLM's computation_graph.py) as vLLM made them. */
public record SplitView(List<Piece> pieces) {

    public record Value(String name, ValueKind kind) {
    }

    /** One {@code class submod_N} of the upload, in the order the top-level forward calls it. */
    public record Piece(String name, int graphId, List<String> nodes, List<Value> inputs, List<Value> outputs) {
        public Piece {
            nodes = List.copyOf(nodes);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    public SplitView {
        pieces = List.copyOf(pieces);
    }
}
