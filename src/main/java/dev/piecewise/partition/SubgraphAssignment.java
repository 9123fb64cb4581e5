package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** vLLM's subgraph ids (src/docs/partitioning.md, steps 2 and 3): one walk over the nodes, then the empty-allocation merge. */
final class SubgraphAssignment {

    /** Ids of every assigned node, in graph order, and which ids hold splitting ops. */
    record Assignment(Map<String, Integer> ids, Set<Integer> splittingIds) {
    }

    private SubgraphAssignment() {
    }

    static Assignment assign(Graph graph, PartitionOptions options) {
        Map<String, Integer> ids = new LinkedHashMap<>(graph.size() * 2);
        Set<Integer> splitting = new HashSet<>();
        int current = 0;
        boolean previousWasSplit = false;
        for (Node node : graph.nodes()) {
            if (node.op() == Op.PLACEHOLDER || node.op() == Op.OUTPUT) {
                continue;
            }
            Node producer = getitemProducer(node, graph);
            if (producer != null && joinsProducer(producer, options.getitemRule())) {
                ids.put(node.name(), ids.get(producer.name()));
                previousWasSplit = false;
                continue;
            }
            if (options.splittingOps().splitsAt(node)) {
                if (previousWasSplit && options.mergeConsecutiveSplits()) {
                    ids.put(node.name(), current - 1);
                } else {
                    current++;
                    ids.put(node.name(), current);
                    splitting.add(current);
                    current++;
                }
                previousWasSplit = true;
            } else {
                ids.put(node.name(), current);
                previousWasSplit = false;
            }
        }
        return new Assignment(ids, splitting);
    }

    private static Node getitemProducer(Node node, Graph graph) {
        if (node.isCallFunction("operator.getitem") && !node.args().isEmpty() && node.args().get(0) instanceof Arg.Ref ref) {
            return graph.node(ref.name());
        }
        return null;
    }

    private static boolean joinsProducer(Node producer, GetitemRule rule) {
        switch (rule) {
            case VLLM:
                return producer.op() != Op.PLACEHOLDER;
            case TUPLE_ONLY:
                return producer.op() != Op.PLACEHOLDER
                        && (producer.kind() == ValueKind.TUPLE || producer.kind() == ValueKind.LIST);
            default:
                return false;
        }
    }

    /**
     * Moves a non-splitting subgraph that holds exactly one allocation into the previous non-splitting subgraph
     * when all its inputs are placeholders or come from that subgraph or earlier (vLLM PRs #28044, #36595).
     *
     * @return the merges made, as relocations
     */
    static List<Relocation> mergeEmptyAllocations(Graph graph, Assignment assignment) {
        Map<String, Integer> ids = assignment.ids();
        int maxId = -1;
        for (int id : ids.values()) {
            maxId = Math.max(maxId, id);
        }
        // Only a subgraph of one node can merge, so each id keeps a count and its first node, not its members.
        int[] size = new int[maxId + 1];
        String[] only = new String[maxId + 1];
        ids.forEach((node, id) -> {
            if (size[id]++ == 0) {
                only[id] = node;
            }
        });
        List<Relocation> merges = new ArrayList<>();
        int previous = -1;
        for (int id = 0; id <= maxId; id++) {
            if (size[id] == 0 || assignment.splittingIds().contains(id)) {
                continue;
            }
            Node single = size[id] == 1 ? graph.node(only[id]) : null;
            if (previous >= 0 && single != null && isAllocation(single) && inputsAvailable(single, previous, ids, graph)) {
                ids.put(single.name(), previous);
                merges.add(Relocation.mergedEmptyAllocation(single.name(), id, previous));
                continue;
            }
            previous = id;
        }
        return merges;
    }

    private static boolean inputsAvailable(Node node, int target, Map<String, Integer> ids, Graph graph) {
        boolean[] ok = {true};
        node.forEachInput(ref -> {
            Node input = graph.node(ref);
            Integer id = ids.get(ref);
            ok[0] &= input.op() == Op.PLACEHOLDER || (id != null && id <= target);
        });
        return ok[0];
    }

    static boolean isAllocation(Node node) {
        String t = node.canonicalTarget();
        if (node.op() == Op.CALL_METHOD) {
            return t.equals("new_empty");
        }
        return node.op() == Op.CALL_FUNCTION && (t.equals("torch.empty") || t.equals("torch.empty_like")
                || t.equals("torch.empty_strided") || t.startsWith("torch.ops.aten.empty")
                || t.startsWith("torch.ops.aten.new_empty"));
    }
}
