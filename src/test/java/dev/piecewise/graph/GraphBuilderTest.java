package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder's checks, which every parser relies on: each name once, references only to earlier nodes. */
class GraphBuilderTest {

    private static Node call(String name, String... inputs) {
        return new Node(name, Op.CALL_FUNCTION, "torch.relu",
                java.util.Arrays.stream(inputs).<Arg>map(Arg.Ref::new).toList(), Map.of(), null, null, null);
    }

    private static Graph.Builder withX() {
        Graph.Builder builder = new Graph.Builder("g", false);
        builder.add(new Node("x", Op.PLACEHOLDER, "x", List.of(), Map.of(), null, null, null), 2, 5);
        return builder;
    }

    @Test
    void aNameDefinedTwiceIsRefusedAtItsPosition_evenWhenItAlsoReadsAnUndefinedName() {
        Graph.Builder builder = withX();
        builder.add(call("relu", "x"), 3, 5);
        assertThatThrownBy(() -> builder.add(call("relu", "relu"), 4, 5))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.getMessage()).contains("duplicate node name 'relu'");
                    assertThat(e.line()).isEqualTo(4);
                });
        assertThatThrownBy(() -> builder.add(call("relu", "nowhere"), 5, 5))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.getMessage()).contains("duplicate node name 'relu'");
                    assertThat(e.line()).isEqualTo(5);
                });
        assertThatThrownBy(() -> builder.add(call("neg", "nowhere"), 6, 5))
                .hasMessageContaining("references 'nowhere'");
    }

    @Test
    void aRefusedNodeLeavesNothingBehind() {
        Graph.Builder builder = withX();
        builder.add(call("relu", "x"), 3, 5);
        assertThatThrownBy(() -> builder.add(call("relu", "x", "x"), 4, 5)).isInstanceOf(GraphParseException.class);
        assertThatThrownBy(() -> builder.add(call("neg", "x", "nowhere"), 5, 5)).isInstanceOf(GraphParseException.class);
        builder.add(call("neg", "relu"), 6, 5);
        builder.add(new Node("output", Op.OUTPUT, "output", List.of(new Arg.Ref("neg")), Map.of(), null, null, null), 7, 5);
        Graph graph = builder.build(8, 1);
        assertThat(graph.nodes()).extracting(Node::name).containsExactly("x", "relu", "neg", "output");
        assertThat(graph.indexOf("neg")).isEqualTo(2);
        // Each node's inputs are its own: the refused nodes' references were dropped.
        assertThat(graph.inputPosition(graph.inputsStart(2))).isEqualTo(1);
        assertThat(graph.inputsStart(3) - graph.inputsStart(2)).isEqualTo(1);
        assertThat(graph.inputPosition(graph.inputsStart(3))).isEqualTo(2);
    }
}
