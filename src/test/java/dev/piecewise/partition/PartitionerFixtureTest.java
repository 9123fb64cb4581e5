package dev.piecewise.partition;

import dev.piecewise.fixtures.FixtureAssertions;
import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.fixtures.Fixtures.Expectation;
import dev.piecewise.fixtures.ObservedRun;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.format.GraphFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every fixture under every option set PyTorch was run with, through the Java API. */
class PartitionerFixtureTest {

    static Stream<Expectation> expectations() {
        return Fixtures.expectations().stream();
    }

    @ParameterizedTest(name = "{0} from graph.json")
    @MethodSource("expectations")
    void graphJsonMatchesPyTorch(Expectation expectation) {
        assumeTrue(Fixtures.exists(expectation.fixtureCase(), "graph.json"), "no graph.json for this case");
        check(expectation, "graph.json", true);
    }

    @ParameterizedTest(name = "{0} from graph.txt")
    @MethodSource("expectations")
    void graphTextMatchesPyTorch(Expectation expectation) {
        check(expectation, "graph.txt", false);
    }

    @ParameterizedTest(name = "{0} from readable.py")
    @MethodSource("expectations")
    void readablePythonMatchesPyTorch(Expectation expectation) {
        // Dynamo captures (those with a graph.json) carry shapes in print_readable; symbolic_trace ones do not.
        check(expectation, "readable.py", Fixtures.exists(expectation.fixtureCase(), "graph.json"));
    }

    private static void check(Expectation expectation, String file, boolean fullInputs) {
        String text = Fixtures.read(expectation.fixtureCase(), file);
        Graph graph = GraphFormat.detect(text).parse(text, expectation.fixtureCase());
        PartitionResult result = Partitioner.partition(graph, options(expectation));
        Set<String> original = Fixtures.originalNodeNames(expectation.fixtureCase());
        assertThat(graph.nodes().stream().map(Node::name).filter(n -> !n.startsWith("output")))
                .as("nodes parsed from " + file).containsExactlyInAnyOrderElementsOf(
                        original.stream().filter(n -> !n.startsWith("output")).toList());
        FixtureAssertions.assertMatches(expectation, observe(result, original), fullInputs, original);
    }

    static PartitionOptions options(Expectation expectation) {
        String[] key = expectation.key().split("\\|");
        boolean merge = key[2].equals("merge");
        return new PartitionOptions(new SplittingOps(expectation.splittingOps()), SizeStrategy.fromId(key[0]),
                GetitemRule.fromId(key[1]), merge, merge);
    }

    static ObservedRun observe(PartitionResult result, Set<String> originalNodes) {
        Map<String, String> createdKinds = new LinkedHashMap<>();
        List<ObservedRun.ObservedSubmodule> subs = result.submodules().stream().map(s -> new ObservedRun.ObservedSubmodule(
                s.name(), s.graphId(), s.splitting(), s.nodes(),
                s.inputs().stream().map(SubmoduleValue::name).toList(),
                s.inputs().stream().map(v -> v.kind().id()).toList(),
                s.dataInputs().stream().map(SubmoduleValue::name).toList(),
                s.dataInputs().stream().map(v -> v.kind().id()).toList(),
                s.outputs().stream().map(SubmoduleValue::name).toList(),
                s.outputs().stream().map(v -> v.kind().id()).toList())).toList();
        result.createdNodes().stream().filter(n -> n.op() != Op.PLACEHOLDER)
                .forEach(n -> createdKinds.put(n.name(), n.kind().id()));
        return new ObservedRun(result.outcome().id(), result.error(), result.compilable(), subs, result.assignment(),
                createdKinds);
    }
}
