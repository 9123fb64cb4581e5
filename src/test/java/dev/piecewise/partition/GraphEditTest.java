package dev.piecewise.partition;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where inserted nodes land, as FX's graph does it: {@code with graph.inserting_after(anchor)} puts each new node
 * right after the anchor, so the last one inserted is the closest; appending puts a node after the anchor and after
 * every node inserted there before.
 */
class GraphEditTest {

    @Test
    void insertedRightAfterComeLastFirstThenTheAppendedInOrder() {
        Graph graph = Graph.trusted("g", List.of(placeholder("x"), placeholder("y")), false);
        GraphEdit edit = new GraphEdit(graph);

        edit.appendAfter("x", placeholder("appended_1"));
        edit.insertRightAfter("x", placeholder("right_after_1"));
        edit.appendAfter("x", placeholder("appended_2"));
        edit.insertRightAfter("x", placeholder("right_after_2"));
        edit.insertBefore("y", placeholder("before_y"));

        GraphEdit.Edited edited = edit.apply();
        assertThat(edited.graph().nodes()).extracting(Node::name).containsExactly(
                "x", "right_after_2", "right_after_1", "appended_1", "appended_2", "before_y", "y");
        assertThat(edited.created()).extracting(Node::name).containsExactly(
                "right_after_2", "right_after_1", "appended_1", "appended_2", "before_y");
    }

    private static Node placeholder(String name) {
        return new Node(name, Op.PLACEHOLDER, name, List.of(), Map.of(), null, ValueInfo.of(ValueKind.TENSOR), null);
    }
}
