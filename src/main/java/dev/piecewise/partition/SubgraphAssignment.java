package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** vLLM's subgraph ids (src/docs/partitioning.md, steps 2 and 3): one walk over the nodes, then the empty-allocation merge. */
final class SubgraphAssignment {

    /** Ids of every assigned node, and which ids hold splitting ops. */
    record Assignment(SubgraphIds ids, Set<Integer> splittingIds) {
    }

    private SubgraphAssignment() {
    }

    static Assignment assign(Graph graph, PartitionOptions options) {
        SubgraphIds ids = new SubgraphIds(graph);
        Set<Integer> splitting = new HashSet<>();
        int current = 0;
        boolean previousWasSplit = false;
        List<Node> nodes = graph.nodes();
        for (int at = 0; at < nodes.size(); at++) {
            Node node = nodes.get(at);
            if (node.op() == Op.PLACEHOLDER || node.op() == Op.OUTPUT) {
                continue;
            }
            int producer = getitemProducer(graph, at);
            if (producer >= 0 && joinsProducer(nodes.get(producer), options.getitemRule())) {
                ids.set(at, ids.at(producer));
                previousWasSplit = false;
                continue;
            }
            if (options.splittingOps().splitsAt(node)) {
                if (previousWasSplit && options.mergeConsecutiveSplits()) {
                    ids.set(at, current - 1);
                } else {
                    current++;
                    ids.set(at, current);
                    splitting.add(current);
                    current++;
                }
                previousWasSplit = true;
            } else {
                ids.set(at, current);
                previousWasSplit = false;
            }
        }
        return new Assignment(ids, splitting);
    }

    /** The position of the node a getitem reads (its first input), or -1 when the node is no such getitem. */
    private static int getitemProducer(Graph graph, int at) {
        Node node = graph.nodes().get(at);
        if (node.isCallFunction("operator.getitem") && !node.args().isEmpty() && node.args().get(0) instanceof Arg.Ref) {
            return graph.inputPosition(graph.inputsStart(at));
        }
        return -1;
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
        SubgraphIds ids = assignment.ids();
        int maxId = ids.maxId();
        // Only a subgraph of one node can merge, so each id keeps a count and its first node, not its members.
        int[] size = new int[maxId + 1];
        int[] only = new int[maxId + 1];
        for (int at = 0; at < graph.size(); at++) {
            int id = ids.at(at);
            if (id >= 0 && size[id]++ == 0) {
                only[id] = at;
            }
        }
        List<Relocation> merges = new ArrayList<>();
        int previous = -1;
        for (int id = 0; id <= maxId; id++) {
            if (size[id] == 0 || assignment.splittingIds().contains(id)) {
                continue;
            }
            Node single = size[id] == 1 ? graph.nodes().get(only[id]) : null;
            if (previous >= 0 && single != null && isAllocation(single) && inputsAvailable(graph, only[id], previous, ids)) {
                ids.set(only[id], previous);
                merges.add(Relocation.mergedEmptyAllocation(single.name(), id, previous));
                continue;
            }
            previous = id;
        }
        return merges;
    }

    private static boolean inputsAvailable(Graph graph, int at, int target, SubgraphIds ids) {
        for (int k = graph.inputsStart(at); k < graph.inputsStart(at + 1); k++) {
            int input = graph.inputPosition(k);
            int id = ids.at(input);
            if (graph.nodes().get(input).op() != Op.PLACEHOLDER && (id < 0 || id > target)) {
                return false;
            }
        }
        return true;
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
