package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The node tables of the runs made from one upload, each written and compressed on {@code beside}: runs whose
 * partitioned graphs list the same nodes (in a comparison, the option sets that leave the graph as it is, or
 * rewrite it alike) share one stored member instead of writing a hundred thousand rows again. Thread-safe.
 */
final class NodeTables {

    private record Written(List<Node> nodes, Future<byte[]> member) {
    }

    private final ExecutorService beside;
    private final List<Written> written = new ArrayList<>();

    NodeTables(ExecutorService beside) {
        this.beside = beside;
    }

    /** The node-table member of a run whose partitioned graph is {@code graph} (null when the split failed). */
    synchronized Future<byte[]> member(Graph graph) {
        List<Node> nodes = graph == null ? List.of() : graph.nodes();
        for (Written w : written) {
            if (sameRows(w.nodes(), nodes)) {
                return w.member();
            }
        }
        Future<byte[]> member = beside.submit(() -> RunDocuments.encodeNodeTable(RunDocument.rows(graph)));
        written.add(new Written(nodes, member));
        return member;
    }

    /** Whether the two lists make the same rows: checked node by node, most of them the same object. */
    private static boolean sameRows(List<Node> a, List<Node> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0, n = a.size(); i < n; i++) {
            Node x = a.get(i);
            Node y = b.get(i);
            if (x != y && !(x.name().equals(y.name()) && x.op() == y.op() && Objects.equals(x.target(), y.target())
                    && x.kind() == y.kind())) {
                return false;
            }
        }
        return true;
    }
}
