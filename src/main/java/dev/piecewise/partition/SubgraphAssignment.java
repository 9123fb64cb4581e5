package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** vLLM's subgraph ids (src/docs/partitioning.md, steps 2 and 3): one walk over the nodes, then the empty-allocation merge. */
final class SubgraphAssignment {

    /** Ids of every assigned node, in graph order, and which ids hold splitting ops. */
    record Assignment(Map<String, Integer> ids, Set<Integer> splittingIds) {
    }

    private SubgraphAssignment() {
    }

    static Assignment assign(List<Node> nodes, PartitionOptions options) {
        Map<String, Node> byName = new HashMap<>(nodes.size() * 2);
        Map<String, Integer> ids = new LinkedHashMap<>(nodes.size() * 2);
        Set<Integer> splitting = new HashSet<>();
        int current = 0;
        boolean previousWasSplit = false;
        for (Node node : nodes) {
            byName.put(node.name(), node);
            if (node.op() == Op.PLACEHOLDER || node.op() == Op.OUTPUT) {
                continue;
            }
            Node producer = getitemProducer(node, byName);
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

    private static Node getitemProducer(Node node, Map<String, Node> byName) {
        if (node.isCallFunction("operator.getitem") && !node.args().isEmpty() && node.args().get(0) instanceof Arg.Ref ref) {
            return byName.get(ref.name());
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
    static List<Relocation> mergeEmptyAllocations(List<Node> nodes, Assignment assignment) {
        Map<String, Integer> ids = assignment.ids();
        Map<Integer, List<Node>> members = new TreeMap<>();
        Map<String, Node> byName = new HashMap<>(nodes.size() * 2);
        for (Node node : nodes) {
            byName.put(node.name(), node);
            Integer id = ids.get(node.name());
            if (id != null) {
                members.computeIfAbsent(id, k -> new ArrayList<>(1)).add(node);
            }
        }
        List<Relocation> merges = new ArrayList<>();
        Integer previous = null;
        for (Map.Entry<Integer, List<Node>> entry : members.entrySet()) {
            int id = entry.getKey();
            if (assignment.splittingIds().contains(id)) {
                continue;
            }
            List<Node> group = entry.getValue();
            if (previous != null && group.size() == 1 && isAllocation(group.get(0))
                    && inputsAvailable(group.get(0), previous, ids, byName)) {
                ids.put(group.get(0).name(), previous);
                merges.add(Relocation.mergedEmptyAllocation(group.get(0).name(), id, previous));
                continue;
            }
            previous = id;
        }
        return merges;
    }

    private static boolean inputsAvailable(Node node, int target, Map<String, Integer> ids, Map<String, Node> byName) {
        boolean[] ok = {true};
        node.forEachInput(ref -> {
            Node input = byName.get(ref);
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
