package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

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

    /**
     * {@code nodes} as a rewrite of {@code graph}, with {@code from} given for the names {@code withFrom} accepts (the
     * position in {@code graph} of the node of that name), -1 for the others.
     */
    private static Graph rewrite(Graph graph, List<Node> nodes, Predicate<Node> withFrom) {
        int[] from = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            from[i] = withFrom.test(nodes.get(i)) ? graph.indexOf(nodes.get(i).name()) : -1;
        }
        return graph.rewritten(new ArrayList<>(nodes), from);
    }

    /**
     * The two ways a rewrite may give {@code from}: for every name the graph has (a replaced or moved node included),
     * or only for the nodes it keeps as they are.
     */
    private static List<Function<Graph, Predicate<Node>>> fromWays() {
        return List.of(graph -> node -> true,
                graph -> node -> graph.indexOf(node.name()) >= 0 && graph.node(node.name()) == node);
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

    /** A node new in one rewrite (indexed by that rewrite alone) kept, then replaced and moved, by the next ones. */
    @Test
    void aNewNodeOfOneRewriteIsFoundByTheRewritesAfterIt() {
        Node x = placeholder("x");
        Node a = node("a", "torch.relu", "x");
        Node c = node("c", "operator.add", "a", "x");
        Graph graph = Graph.trusted("g", List.of(x, a, c, output("c")), false);
        for (Function<Graph, Predicate<Node>> first : fromWays()) {
            for (Function<Graph, Predicate<Node>> next : fromWays()) {
                Node e = node("e", "torch.cos", "x");
                Node c2 = node("c", "operator.add", "a", "e");
                Graph once = rewrite(graph, List.of(x, e, a, c2, graph.output()), first.apply(graph));
                assertSameAsBuiltFromScratch(once);
                // e kept, f new after it
                Graph twice = rewrite(once, List.of(x, e, node("f", "torch.tan", "e"), a, c2, once.output()),
                        next.apply(once));
                assertSameAsBuiltFromScratch(twice);
                // e replaced and moved after a, f replaced
                Graph thrice = rewrite(twice, List.of(x, node("a", "torch.relu", "x"), node("e", "torch.cos", "a"),
                        node("f", "torch.tan", "e"), c2, twice.output()), next.apply(twice));
                assertSameAsBuiltFromScratch(thrice);
            }
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

        for (Function<Graph, Predicate<Node>> withFrom : fromWays()) {
            // e inserted after x, b replaced to read e, d moved after c, nothing else touched.
            Node e = node("e", "torch.cos", "x");
            Node b2 = node("b", "torch.neg", "e");
            Graph once = rewrite(graph, List.of(x, e, a, b2, c, d, graph.output()), withFrom.apply(graph));
            assertSameAsBuiltFromScratch(once);
            assertThat(once.node("b")).isSameAs(b2);
            assertThat(once.inputPosition(once.inputsStart(3))).as("b reads e").isEqualTo(1);

            // Rewriting the rewrite: e and d removed, a name left out before (d) given to a new node.
            Node d2 = node("d", "torch.tan", "b");
            Node c2 = node("c", "operator.add", "a", "d");
            Graph twice = rewrite(once, List.of(x, a, node("b", "torch.neg", "a"), d2, c2, once.output()),
                    withFrom.apply(once));
            assertSameAsBuiltFromScratch(twice, "e");
            assertThat(twice.node("d")).isSameAs(d2);
            assertThat(twice.indexOf("c")).isEqualTo(4);
        }
    }

    /**
     * A rewrite large enough to find its inputs in two halves, changed on both sides of the middle and across it:
     * every node is where it is, and reads what it reads, as in the same graph built from scratch.
     */
    @Test
    void aLargeRewriteFindsTheSameInputsInHalves() {
        int size = Graph.HALVES_FROM + 1_000;
        List<Node> nodes = new ArrayList<>(List.of(placeholder("x")));
        String previous = "x";
        for (int i = 1; i < size; i++) {
            nodes.add(node("n" + i, "torch.relu", previous, i > 10 ? "n" + (i - 10) : "x"));
            previous = "n" + i;
        }
        nodes.add(output("n" + (size - 1)));
        Graph graph = Graph.trusted("g", nodes, false);

        List<Node> rewritten = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        Node movedLate = null;
        for (Node n : graph.nodes()) {
            int pick = n.op() == Op.CALL_FUNCTION ? random.nextInt(40) : -1;
            if (pick == 0) { // a new node before it, read by a replacement of it
                Node inserted = node(n.name() + "_new", "torch.cos", (String) ((Arg.Ref) n.args().get(0)).name());
                rewritten.add(inserted);
                rewritten.add(node(n.name(), "torch.add", inserted.name(), ((Arg.Ref) n.args().get(1)).name()));
            } else if (pick == 1 && movedLate == null && graph.indexOf(n.name()) < size / 4) {
                movedLate = n; // read by nothing until it is found again at the end
                rewritten.add(node(n.name() + "_stand_in", "torch.sin", "x"));
            } else {
                rewritten.add(n);
            }
        }
        rewritten.add(rewritten.size() - 1, movedLate.withArgs(List.of(new Arg.Ref("x")), Map.of()));
        List<Node> edited = replaceReadsOf(rewritten, movedLate.name(), movedLate.name() + "_stand_in");
        for (Function<Graph, Predicate<Node>> withFrom : fromWays()) {
            Graph once = rewrite(graph, edited, withFrom.apply(graph));
            Graph scratch = Graph.trusted("g", once.nodes(), false);
            assertThat(java.util.stream.IntStream.rangeClosed(0, once.size()).map(once::inputsStart).toArray())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(0, once.size()).map(scratch::inputsStart).toArray());
            int edges = scratch.inputsStart(scratch.size());
            assertThat(java.util.stream.IntStream.range(0, edges).map(once::inputPosition).toArray())
                    .isEqualTo(java.util.stream.IntStream.range(0, edges).map(scratch::inputPosition).toArray());
            assertThat(java.util.stream.IntStream.range(0, once.size())
                    .filter(at -> once.indexOf(once.nodes().get(at).name()) != at))
                    .as("nodes not found where they are").isEmpty();
            assertThat(once.indexOf(movedLate.name())).isEqualTo(once.size() - 2);
        }
    }

    /** The nodes with every read of {@code name} made a read of {@code by}, except by the node of that name. */
    private static List<Node> replaceReadsOf(List<Node> nodes, String name, String by) {
        return nodes.stream().map(n -> n.name().equals(name) || n.args().stream().noneMatch(new Arg.Ref(name)::equals) ? n
                : n.withArgs(n.args().stream().map(a -> a.equals(new Arg.Ref(name)) ? (Arg) new Arg.Ref(by) : a).toList(),
                        n.kwargs())).toList();
    }
}
