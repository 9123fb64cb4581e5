package dev.piecewise.partition;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.fixtures.Fixtures.Expectation;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.GraphFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.piecewise.partition.SamePartition.assertSamePartition;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A large graph is worked on in halves, one on another core: its rewrite (a Size decomposition or relocation) finds
 * its nodes' inputs so, the verdict judges its pieces so, and the FX names of a base are read ahead. Every fixture
 * is partitioned as it is (small: one thread) and with enough unused inputs to pass the size from which halves are
 * used, in its middle; the unused inputs change nothing split_module makes, so the two results must be the same.
 */
class PartitionInHalvesTest {

    private static final int UNUSED_INPUTS = 70_000;

    static Stream<Expectation> expectations() {
        return Fixtures.expectations().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void aGraphPartitionedInHalvesGivesWhatOneThreadGives(Expectation expectation) {
        String file = Fixtures.exists(expectation.fixtureCase(), "graph.json") ? "graph.json" : "graph.txt";
        String text = Fixtures.read(expectation.fixtureCase(), file);
        Graph graph = GraphFormat.detect(text).parse(text, expectation.fixtureCase());
        PartitionOptions options = PartitionerFixtureTest.options(expectation);
        PartitionResult alone = Partitioner.partition(graph, options);
        assumeTrue(alone.submodules().size() >= 2, "one submodule has no halves");

        assertSamePartition(Partitioner.partition(withUnusedInputs(graph), options), alone);
    }

    /** The graph with unused inputs in its middle, so that each half holds half of its own nodes. */
    private static Graph withUnusedInputs(Graph graph) {
        List<Node> nodes = new ArrayList<>(graph.nodes().subList(0, graph.size() / 2));
        for (int i = 0; i < UNUSED_INPUTS; i++) {
            String name = "unused_input_" + i;
            nodes.add(new Node(name, Op.PLACEHOLDER, name, List.of(), Map.of(), null, ValueInfo.of(ValueKind.TENSOR), null));
        }
        nodes.addAll(graph.nodes().subList(graph.size() / 2, graph.size()));
        return Graph.trusted(graph.name(), nodes, graph.carriesShapes());
    }
}
