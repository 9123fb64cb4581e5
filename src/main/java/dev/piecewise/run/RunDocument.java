package dev.piecewise.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;

import java.util.List;

/**
 * Everything stored for a run, as one gzip-compressed JSON document ({@link RunDocuments}): the report the API
 * returns and the node table the run page lists. {@code run} comes first so a reader that needs only the report
 * stops before the nodes.
 *
 * @param nodes  every node of the partitioned graph (after the strategy's rewrites) in graph order; empty when
 *               the split fails and for runs stored before documents existed
 * @param traces the values the verdict's problems name, traced to their producer and consumers with source lines,
 *               shapes and dtypes ({@link ValueTraces}); empty for runs stored before traces were kept
 */
@JsonIgnoreProperties("outline") // read on its own by the compare page (RunDocuments.outline)
public record RunDocument(RunReport run, List<NodeRow> nodes, List<ValueTrace> traces) {

    public RunDocument {
        nodes = List.copyOf(nodes);
        traces = traces == null ? List.of() : List.copyOf(traces);
    }

    /** A run without traced values (stored before they were kept, or with no problem to trace). */
    public RunDocument(RunReport run, List<NodeRow> nodes) {
        this(run, nodes, List.of());
    }

    /** One node as the run page lists it. */
    public record NodeRow(String name, Op op, String target, ValueKind kind) {
    }

    public static List<NodeRow> rows(Graph graph) {
        if (graph == null) {
            return List.of();
        }
        // A view, each row made as it is read: a million-node table is written without a million rows held.
        List<Node> nodes = graph.nodes();
        return new java.util.AbstractList<>() {
            @Override
            public NodeRow get(int index) {
                Node n = nodes.get(index);
                return new NodeRow(n.name(), n.op(), n.target(), n.kind());
            }

            @Override
            public int size() {
                return nodes.size();
            }
        };
    }
}
