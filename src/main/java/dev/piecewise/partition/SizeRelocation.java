package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strategies that act after assignment: move a Size producer to its consumers (PR #35635, made sound by
 * moving the node, not only its id) or clone it into every later subgraph that uses it.
 */
final class SizeRelocation {

    /** @param placed the subgraph id of each node moved or cloned; every other node keeps its own */
    record Result(GraphEdit.Edited edited, Map<String, Integer> placed, List<Relocation> relocations,
                  List<Diagnostic> diagnostics) {
    }

    private SizeRelocation() {
    }

    static Result relocate(Graph graph, SubgraphIds ids, SizeStrategy strategy) {
        Map<String, Integer> placed = new HashMap<>();
        Map<String, List<Node>> users = graph.usersOf(SizeRelocation::isSizeProducer);
        GraphEdit edit = new GraphEdit(graph);
        List<Relocation> relocations = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Node producer : graph.nodes()) {
            if (!isSizeProducer(producer)) {
                continue;
            }
            int from = idOf(producer.name(), ids, placed);
            List<Node> consumers = users.getOrDefault(producer.name(), List.of());
            Map<Integer, List<Node>> later = new LinkedHashMap<>();
            boolean usedLocally = false;
            boolean returned = false;
            for (Node user : consumers) {
                if (user.op() == Op.OUTPUT) {
                    returned = true;
                } else if (idOf(user.name(), ids, placed) > from) {
                    later.computeIfAbsent(idOf(user.name(), ids, placed), k -> new ArrayList<>()).add(user);
                } else {
                    usedLocally = true;
                }
            }
            if (later.isEmpty()) {
                continue;
            }
            // As relocations before it left it: a Size made from a Size cloned before reads that one's clone.
            Node current = edit.get(producer.name());
            if (strategy == SizeStrategy.DUPLICATE) {
                List<String> clones = new ArrayList<>();
                for (Map.Entry<Integer, List<Node>> group : later.entrySet()) {
                    Node clone = current.withName(edit.newName(producer.name()));
                    edit.insertBefore(group.getValue().get(0).name(), clone);
                    placed.put(clone.name(), group.getKey());
                    clones.add(clone.name());
                    for (Node user : group.getValue()) {
                        edit.rewriteRefs(user.name(), ref -> new Arg.Ref(ref.equals(producer.name()) ? clone.name() : ref));
                    }
                }
                if (!usedLocally && !returned) {
                    edit.remove(producer.name());
                }
                relocations.add(Relocation.duplicated(producer.name(), clones, from, later.keySet().iterator().next()));
                continue;
            }
            Set<Integer> targets = new LinkedHashSet<>(later.keySet());
            boolean single = targets.size() == 1;
            if (usedLocally || returned || (strategy == SizeStrategy.MOVE_SINGLE_CONSUMER && !single)) {
                diagnostics.add(Diagnostic.warning("unresolved-size", producer.name() + " is a torch.Size used "
                        + (usedLocally ? "in its own subgraph and " : "") + (returned ? "as a graph output and " : "")
                        + "in subgraphs " + targets + "; " + strategy.id() + " leaves it where it is, so it still crosses",
                        producer.name(), Submodule.nameOf(from)));
                continue;
            }
            int to = targets.stream().min(Integer::compare).orElseThrow();
            Node firstUser = later.get(to).get(0);
            edit.remove(producer.name());
            edit.insertBefore(firstUser.name(), current);
            placed.put(producer.name(), to);
            relocations.add(Relocation.moved(producer.name(), from, to));
            if (!single) {
                diagnostics.add(Diagnostic.warning("unresolved-size", producer.name() + " is used by subgraphs "
                        + targets + "; it moved to " + Submodule.nameOf(to) + " and still crosses to the others",
                        producer.name(), Submodule.nameOf(to)));
            }
        }
        return new Result(edit.apply(), placed, relocations, diagnostics);
    }

    private static boolean isSizeProducer(Node node) {
        return node.op().isCall() && node.kind() == ValueKind.SIZE;
    }

    /** A node's id as the relocations so far left it. */
    private static int idOf(String node, SubgraphIds ids, Map<String, Integer> placed) {
        Integer moved = placed.get(node);
        return moved != null ? moved : ids.get(node);
    }
}
