package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.NameIndex;
import dev.piecewise.graph.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Edits to a node list (replace, remove, insert next to a node) collected first and applied in one pass, so a
 * rewrite of the whole graph stays linear in its size.
 */
final class GraphEdit {

    /**
     * What is known of one name: its node if replaced or inserted, and the edits anchored at it.
     */
    private static final class Slot {
        Node node;
        boolean removed;
        /** The slots of the nodes inserted before and after this one: their nodes as last replaced. */
        List<Slot> before;
        /**
         * Inserted right after this one, the last closest to it, so read backwards; then those appended after it,
         * in order. Two lists rather than a deque walked by its iterator: C2 compiles that walk assuming ArrayDeque's
         * iterator has no subclass, and the first caller of {@code descendingIterator()} anywhere in the service
         * (after the warm-up) threw the compiled {@link #apply} away.
         */
        List<Slot> rightAfter;
        List<Slot> appended;
        /** A name the original does not have. */
        boolean created;
    }

    private final Graph original;
    /**
     * The slots of the original's nodes by position (null: unchanged): an edit finds its node through the
     * original's index, and applying the edits walks the positions without looking a name up.
     */
    private final Slot[] slotAt;
    /**
     * Slots of names the original does not have (the nodes inserted), by their number in {@link #insertedNames}:
     * looked in only for a name the original's index does not hold, since most edits name the original's nodes.
     */
    private final List<Slot> insertedSlots = new ArrayList<>();
    private final NameIndex insertedNames = new NameIndex(64);
    /** Names for new nodes, as FX would give them in the edited graph. */
    private final FxNamespace names;
    private boolean edited;
    /** Nodes inserted, moved ones included: what the edited graph may have beyond the original's size. */
    private int insertions;

    GraphEdit(Graph original) {
        this.original = original;
        this.slotAt = new Slot[original.size()];
        this.names = FxNamespace.of(original);
    }

    /** Starts reading the original's names of {@code base} on another core: new names will be made from it. */
    void readNamesAhead(String base) {
        names.readAhead(base);
    }

    /** The name FX gives a new node made from {@code candidate} (a target's name, a node copied): never the original's. */
    String newName(String candidate) {
        String name = names.create(candidate);
        insertedSlot(name);
        return name;
    }

    private Slot slot(String name) {
        edited = true;
        int at = original.indexOf(name);
        if (at < 0) {
            int inserted = insertedNames.get(name);
            return inserted >= 0 ? insertedSlots.get(inserted) : insertedSlot(name);
        }
        Slot slot = slotAt[at];
        if (slot == null) {
            slot = new Slot();
            slotAt[at] = slot;
        }
        return slot;
    }

    /** A new slot for a name the original does not have. */
    private Slot insertedSlot(String name) {
        insertedNames.putIfAbsent(name, insertedSlots.size());
        Slot slot = new Slot();
        slot.created = true;
        insertedSlots.add(slot);
        return slot;
    }

    Node get(String name) {
        int at = original.indexOf(name);
        if (at < 0) {
            int inserted = insertedNames.get(name);
            return inserted >= 0 ? insertedSlots.get(inserted).node : null;
        }
        Slot slot = slotAt[at];
        return slot != null && slot.node != null ? slot.node : original.nodes().get(at);
    }

    void replace(Node node) {
        slot(node.name()).node = node;
    }

    void remove(String name) {
        slot(name).removed = true;
    }

    /** Inserts right after {@code anchor}, ahead of nodes inserted there before (FX's {@code inserting_after}). */
    void insertRightAfter(String anchor, Node node) {
        Slot slot = slot(anchor);
        slot.rightAfter = added(slot.rightAfter, inserted(node));
    }

    /** Inserts after {@code anchor} and after nodes inserted there before. */
    void appendAfter(String anchor, Node node) {
        Slot slot = slot(anchor);
        slot.appended = added(slot.appended, inserted(node));
    }

    /** Inserts just before {@code anchor}. */
    void insertBefore(String anchor, Node node) {
        Slot slot = slot(anchor);
        slot.before = added(slot.before, inserted(node));
    }

    /** {@code slots} with {@code slot} added; made on the first, as most anchors have none. */
    private static List<Slot> added(List<Slot> slots, Slot slot) {
        List<Slot> list = slots != null ? slots : new ArrayList<>(2);
        list.add(slot);
        return list;
    }

    private Slot inserted(Node node) {
        insertions++;
        Slot slot = slot(node.name());
        slot.node = node;
        return slot;
    }

    /** Rewrites {@code user}'s references with {@code replace} (identity for names it does not map). */
    void rewriteRefs(String user, Function<String, Arg> replace) {
        Node node = get(user);
        List<Arg> args = node.args().stream().map(a -> Arg.mapRefs(a, replace)).toList();
        Map<String, Arg> kwargs = new LinkedHashMap<>();
        node.kwargs().forEach((k, v) -> kwargs.put(k, Arg.mapRefs(v, replace)));
        replace(node.withArgs(args, kwargs));
    }

    /** The edited graph, and the nodes in it that the original did not have, in graph order. */
    record Edited(Graph graph, List<Node> created) {
    }

    Edited apply() {
        if (!edited) { // nothing to rewrite (a graph without Sizes): the original serves
            return new Edited(original, List.of());
        }
        List<Node> result = new ArrayList<>(original.size() + insertions);
        int[] from = new int[original.size() + insertions];
        List<Node> created = new ArrayList<>(insertions);
        for (int at = 0; at < original.size(); at++) {
            Node node = original.nodes().get(at);
            Slot slot = slotAt[at];
            if (slot == null) {
                from[result.size()] = at;
                result.add(node);
                continue;
            }
            if (slot.before != null) {
                for (Slot inserted : slot.before) {
                    addInserted(inserted, result, from, created);
                }
            }
            if (!slot.removed) {
                from[result.size()] = at;
                result.add(slot.node != null ? slot.node : node);
            }
            if (slot.rightAfter != null) {
                for (int k = slot.rightAfter.size() - 1; k >= 0; k--) {
                    addInserted(slot.rightAfter.get(k), result, from, created);
                }
            }
            if (slot.appended != null) {
                for (int k = 0; k < slot.appended.size(); k++) {
                    addInserted(slot.appended.get(k), result, from, created);
                }
            }
        }
        return new Edited(original.rewritten(result, from), created);
    }

    /** An inserted node as last replaced; one the original has no name for is created. */
    private static void addInserted(Slot inserted, List<Node> result, int[] from, List<Node> created) {
        from[result.size()] = -1;
        result.add(inserted.node);
        if (inserted.created) {
            created.add(inserted.node);
        }
    }
}
