package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.format.FxTextParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs of one upload whose graphs list the same nodes store one node table. */
class NodeTablesTest {

    private static final String GRAPH = """
            graph():
                %x : torch.Tensor [num_users=1] = placeholder[target=x]
                %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                %y : [num_users=1] = call_function[target=torch.relu](args = (%a,), kwargs = {})
                return (y,)
            """;

    private final ExecutorService beside = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        beside.shutdownNow();
    }

    private static List<RunDocument.NodeRow> rows(byte[] member) {
        byte[] document = RunDocuments.join(RunDocuments.compress("{\"run\":null"), member,
                RunDocuments.encodeTraces(List.of()));
        return RunDocuments.decode(document).nodes();
    }

    @Test
    void graphsListingTheSameNodesShareOneTable() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        Graph sameNodes = new FxTextParser().parse(GRAPH, "g"); // equal nodes, not the same objects
        NodeTables tables = new NodeTables(beside);

        var member = tables.member(graph);
        assertThat(tables.member(graph)).isSameAs(member);
        assertThat(tables.member(sameNodes)).isSameAs(member);
        assertThat(rows(member.get())).extracting(RunDocument.NodeRow::name).containsExactly("x", "a", "y", "output");
    }

    @Test
    void aGraphWithOtherNodesGetsItsOwnTable() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        List<Node> renamed = new ArrayList<>(graph.nodes());
        Node y = renamed.get(2);
        renamed.set(2, new Node("y", y.op(), "torch.sigmoid", y.args(), y.kwargs(), y.typeExpr(), y.value(), y.source()));
        Graph other = Graph.trusted("g", renamed, false);
        NodeTables tables = new NodeTables(beside);

        var member = tables.member(graph);
        var otherMember = tables.member(other);
        assertThat(otherMember).isNotSameAs(member);
        assertThat(rows(otherMember.get())).extracting(RunDocument.NodeRow::target)
                .containsExactly("x", "torch.ops.oracle.attn", "torch.sigmoid", "output");
        assertThat(tables.member(null)).isNotSameAs(member);
        assertThat(rows(tables.member(null).get())).isEmpty();
    }
}
