package dev.piecewise.run;

import dev.piecewise.graph.Node;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.ProblemDirection;
import dev.piecewise.partition.Submodule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Traces the values a run's problems name to their producing and consuming nodes, when the run is stored. */
final class ValueTraces {

    /** Traced values per run, as many as the run page lists problems; the stored document keeps them. */
    static final int MAX_VALUES = 500;
    static final int MAX_CONSUMERS = 20;

    private ValueTraces() {
    }

    /** One pass over the partitioned graph; empty when the split fails (there is no partitioned graph). */
    static List<ValueTrace> of(PartitionResult result) {
        if (result.graph() == null || result.problems().isEmpty()) {
            return List.of();
        }
        Map<String, List<Node>> consumers = new LinkedHashMap<>();
        for (Problem problem : result.problems()) {
            String value = tracedNode(problem);
            if (value != null && consumers.size() < MAX_VALUES && result.graph().node(value) != null) {
                consumers.putIfAbsent(value, new ArrayList<>());
            }
        }
        for (Node node : result.graph().nodes()) {
            node.forEachInput(input -> {
                List<Node> users = consumers.get(input);
                if (users != null && users.size() < MAX_CONSUMERS && (users.isEmpty() || users.get(users.size() - 1) != node)) {
                    users.add(node);
                }
            });
        }
        Map<String, Integer> assignment = result.assignment();
        List<ValueTrace> traces = new ArrayList<>(consumers.size());
        Map<String, ValueTrace.Site> sites = new HashMap<>();
        consumers.forEach((value, users) -> traces.add(new ValueTrace(value,
                site(result.graph().node(value), assignment, sites),
                users.stream().map(n -> site(n, assignment, sites)).toList())));
        return traces;
    }

    /** The node a problem is about: the crossing value, or for a bad call the Size spliced into it. */
    static String tracedNode(Problem problem) {
        return problem.direction() == ProblemDirection.CALL ? problem.producer()
                : problem.direction().crossesBoundary() ? problem.value() : null;
    }

    private static ValueTrace.Site site(Node node, Map<String, Integer> assignment, Map<String, ValueTrace.Site> sites) {
        return sites.computeIfAbsent(node.name(), name -> {
            Integer id = assignment.get(name);
            return new ValueTrace.Site(name, id == null ? null : Submodule.nameOf(id), node.target(), node.kind(),
                    node.value() == null ? null : node.value().shape(), node.value() == null ? null : node.value().dtype(),
                    node.source());
        });
    }
}
