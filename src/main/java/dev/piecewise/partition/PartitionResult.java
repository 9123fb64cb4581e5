package dev.piecewise.partition;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;

import java.util.List;
import java.util.Map;

/**
 * Everything a run reports (src/docs/partitioning.md).
 *
 * @param error         the first line PyTorch would raise for split-fails and bad-call, else null
 * @param assignment    subgraph id of every non-placeholder node after relocation, in graph order
 * @param emissionOrder submodule names in the order the top-level graph calls them
 * @param createdNodes  nodes a strategy created (sym_size nodes, clones), in graph order
 * @param graph         the graph after the strategy's rewrites, in the order split_module saw it; null for
 *                      split-fails
 * @param suggestion    an option set that compiles when this one does not; null when none does or none is needed
 */
public record PartitionResult(Outcome outcome, String error, boolean compilable, List<Submodule> submodules,
                              Map<String, Integer> assignment, List<String> emissionOrder,
                              List<Relocation> relocations, List<Crossing> crossings, List<Problem> problems,
                              List<Diagnostic> diagnostics, List<Node> createdNodes, Graph graph,
                              PartitionOptions suggestion) {

    /** The created nodes with the submodule each landed in. */
    public List<CreatedNode> createdNodesPlaced() {
        return createdNodes.stream().map(n -> {
            Integer id = assignment.get(n.name());
            return new CreatedNode(n.name(), n.target(), n.kind(), id == null ? null : Submodule.nameOf(id));
        }).toList();
    }

    public PartitionResult withSuggestion(PartitionOptions options) {
        return new PartitionResult(outcome, error, compilable, submodules, assignment, emissionOrder, relocations,
                crossings, problems, diagnostics, createdNodes, graph, options);
    }
}
