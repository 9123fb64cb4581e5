package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Edits to a node list (replace, remove, insert next to a node) collected first and applied in one pass, so a
 * rewrite of the whole graph stays linear in its size.
 */
final class GraphEdit {

    private final Graph original;
    /** Nodes replaced or inserted; every other node is the original's. */
    private final Map<String, Node> current = new HashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final Map<String, Deque<Node>> after = new HashMap<>();
    private final Map<String, List<Node>> before = new HashMap<>();

    GraphEdit(Graph original) {
        this.original = original;
    }

    Node get(String name) {
        Node changed = current.get(name);
        return changed != null ? changed : original.node(name);
    }

    void replace(Node node) {
        current.put(node.name(), node);
    }

    void remove(String name) {
        removed.add(name);
    }

    /** Inserts right after {@code anchor}, ahead of nodes inserted there before (FX's {@code inserting_after}). */
    void insertRightAfter(String anchor, Node node) {
        after.computeIfAbsent(anchor, k -> new ArrayDeque<>()).addFirst(node);
        current.put(node.name(), node);
    }

    /** Inserts after {@code anchor} and after nodes inserted there before. */
    void appendAfter(String anchor, Node node) {
        after.computeIfAbsent(anchor, k -> new ArrayDeque<>()).addLast(node);
        current.put(node.name(), node);
    }

    /** Inserts just before {@code anchor}. */
    void insertBefore(String anchor, Node node) {
        before.computeIfAbsent(anchor, k -> new ArrayList<>()).add(node);
        current.put(node.name(), node);
    }

    /** Rewrites {@code user}'s references with {@code replace} (identity for names it does not map). */
    void rewriteRefs(String user, Function<String, Arg> replace) {
        Node node = get(user);
        List<Arg> args = node.args().stream().map(a -> Arg.mapRefs(a, replace)).toList();
        Map<String, Arg> kwargs = new LinkedHashMap<>();
        node.kwargs().forEach((k, v) -> kwargs.put(k, Arg.mapRefs(v, replace)));
        current.put(user, node.withArgs(args, kwargs));
    }

    List<Node> apply() {
        List<Node> result = new ArrayList<>(original.size() + after.size() + before.size());
        for (Node node : original.nodes()) {
            String name = node.name();
            List<Node> insertedBefore = before.get(name);
            if (insertedBefore != null) {
                insertedBefore.forEach(n -> result.add(current.get(n.name())));
            }
            if (!removed.contains(name)) {
                Node changed = current.get(name);
                result.add(changed != null ? changed : node);
            }
            Deque<Node> inserted = after.get(name);
            if (inserted != null) {
                inserted.forEach(n -> result.add(current.get(n.name())));
            }
        }
        return result;
    }
}
