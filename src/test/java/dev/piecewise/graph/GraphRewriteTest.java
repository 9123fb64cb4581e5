package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A rewritten graph finds every node by name and every input by position, as a graph built from scratch does. */
class GraphRewriteTest {

    private static Node node(String name, String target, String... inputs) {
        return new Node(name, Op.CALL_FUNCTION, target, Arrays.stream(inputs).<Arg>map(Arg.Ref::new).toList(),
                Map.of(), null, null, null);
    }

    private static Node placeholder(String name) {
        return new Node(name, Op.PLACEHOLDER, name, List.of(), Map.of(), null, null, null);
    }

    private static Node output(String returned) {
        return new Node("output", Op.OUTPUT, "output", List.of(new Arg.Ref(returned)), Map.of(), null, null, null);
    }

    /** {@code nodes} with {@code from} computed as a rewrite's: the position in {@code graph} of an unchanged node. */
    private static Graph rewrite(Graph graph, List<Node> nodes) {
        int[] from = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            int at = graph.indexOf(nodes.get(i).name());
            from[i] = at >= 0 && graph.nodes().get(at) == nodes.get(i) ? at : -1;
        }
        return graph.rewritten(new ArrayList<>(nodes), from);
    }

    private static void assertSameAsBuiltFromScratch(Graph graph, String... absent) {
        Graph scratch = Graph.trusted("g", graph.nodes(), false);
        for (int at = 0; at < graph.size(); at++) {
            String name = graph.nodes().get(at).name();
            assertThat(graph.indexOf(name)).as(name).isEqualTo(at);
            assertThat(graph.inputsStart(at + 1) - graph.inputsStart(at)).as(name)
                    .isEqualTo(scratch.inputsStart(at + 1) - scratch.inputsStart(at));
            for (int k = graph.inputsStart(at); k < graph.inputsStart(at + 1); k++) {
                assertThat(graph.inputPosition(k)).as(name).isEqualTo(scratch.inputPosition(k));
            }
        }
        for (String name : absent) {
            assertThat(graph.indexOf(name)).as(name).isEqualTo(-1);
            assertThat(graph.node(name)).as(name).isNull();
        }
    }

    @Test
    void insertedReplacedMovedAndRemovedNodesAreFoundWhereTheyNowAre() {
        Node x = placeholder("x");
        Node a = node("a", "torch.relu", "x");
        Node b = node("b", "torch.neg", "a");
        Node d = node("d", "torch.sin", "x");
        Node c = node("c", "operator.add", "a", "b");
        Graph graph = Graph.trusted("g", List.of(x, a, b, d, c, output("c")), false);

        // e inserted after x, b replaced to read e, d moved after c, nothing else touched.
        Node e = node("e", "torch.cos", "x");
        Node b2 = node("b", "torch.neg", "e");
        Graph once = rewrite(graph, List.of(x, e, a, b2, c, d, graph.output()));
        assertSameAsBuiltFromScratch(once);
        assertThat(once.node("b")).isSameAs(b2);
        assertThat(once.inputPosition(once.inputsStart(3))).as("b reads e").isEqualTo(1);

        // Rewriting the rewrite: e and d removed, a name left out before (d) given to a new node.
        Node d2 = node("d", "torch.tan", "b");
        Node c2 = node("c", "operator.add", "a", "d");
        Graph twice = rewrite(once, List.of(x, a, node("b", "torch.neg", "a"), d2, c2, once.output()));
        assertSameAsBuiltFromScratch(twice, "e");
        assertThat(twice.node("d")).isSameAs(d2);
        assertThat(twice.indexOf("c")).isEqualTo(4);
    }
}
