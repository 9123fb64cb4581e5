package dev.piecewise.graph;

import dev.piecewise.concurrent.Futures;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * An FX graph: nodes in execution order, ending with exactly one {@code output} node, every reference pointing
 * at an earlier node. Immutable; build one with {@link Builder}, which enforces those rules.
 */
public final class Graph {

    /**
     * The size from which a pass over a graph splits its work in two halves, the second on another core: a rewrite
     * finding its nodes' inputs, the partitioner judging the pieces.
     */
    public static final int HALVES_FROM = 1 << 16;

    private final String name;
    private final List<Node> nodes;
    /**
     * Node names to positions: the one name-keyed map; passes over the graph keep arrays by index. A rewrite shares
     * the index of the graph it was made from (see {@link #rewritten}), so its values are positions there, which
     * {@link #movedTo} maps to positions here.
     */
    private final NameIndex index;
    /** Where the node at each position of {@link #index}'s graph is now, -1 when gone; null when it is this graph. */
    private final int[] movedTo;
    /** The names {@link #index} does not place here (those of a rewrite's nodes without a from); null when none. */
    private final NameIndex placedHere;
    private final boolean carriesShapes;
    /**
     * The positions of the nodes each node reads, in {@link Node#forEachInput} order: node {@code i}'s are
     * {@code inputAt[inputStart[i]]} up to {@code inputAt[inputStart[i + 1]]}. Resolved once, when the graph is
     * made, so the passes over its edges look up no names.
     */
    private final int[] inputStart;
    private final int[] inputAt;

    private Graph(String name, List<Node> nodes, NameIndex index, boolean carriesShapes, Inputs inputs) {
        this(name, nodes, index, null, null, carriesShapes, inputs);
    }

    private Graph(String name, List<Node> nodes, NameIndex index, int[] movedTo, NameIndex placedHere,
                  boolean carriesShapes, Inputs inputs) {
        this.name = name;
        this.nodes = Collections.unmodifiableList(nodes);
        this.index = index;
        this.movedTo = movedTo;
        this.placedHere = placedHere;
        this.carriesShapes = carriesShapes;
        this.inputStart = inputs.starts;
        this.inputAt = inputs.positions;
    }

    /** Wraps nodes that are known to be valid (a rewrite of a valid graph); no checks. */
    public static Graph trusted(String name, List<Node> nodes, boolean carriesShapes) {
        NameIndex index = new NameIndex(nodes.size());
        Inputs inputs = new Inputs(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            node.forEachInput(ref -> inputs.add(index.get(ref)));
            inputs.endNode();
            index.putIfAbsent(node.name(), i);
        }
        return new Graph(name, new ArrayList<>(nodes), index, carriesShapes, inputs);
    }

    /**
     * A rewrite of this graph, as valid as it: {@code nodes}, where {@code from[i]} is the position here of the node
     * named as the one now at {@code i}, or -1 (then found by name). The rewrite shares this graph's name index, with
     * where each of its names went; only names without a {@code from} (in a rewrite, few: new nodes, and nodes an edit
     * moved) are indexed anew, and only those and nodes that are not this graph's own objects (replacements) have
     * their inputs looked up by name.
     */
    public Graph rewritten(List<Node> nodes, int[] from) {
        int[] moved = new int[this.nodes.size()];
        java.util.Arrays.fill(moved, -1);
        int others = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (from[i] >= 0) {
                moved[from[i]] = i;
            } else {
                others++;
            }
        }
        int[] newMovedTo = movedTo == null ? moved : new int[movedTo.length];
        if (movedTo != null) { // this graph is a rewrite itself: map the shared index's positions on through it
            for (int v = 0; v < movedTo.length; v++) {
                newMovedTo[v] = movedTo[v] < 0 ? -1 : moved[movedTo[v]];
            }
        }
        NameIndex newPlaced = placedHere == null ? new NameIndex(others) : placedHere.remapped(moved, others);
        for (int i = 0; i < nodes.size(); i++) {
            if (from[i] < 0) {
                newPlaced.putIfAbsent(nodes.get(i).name(), i);
            }
        }
        Inputs inputs;
        if (nodes.size() >= HALVES_FROM) { // the second half's inputs on another core; they read nothing written here
            int half = nodes.size() / 2;
            FutureTask<Inputs> second = Futures.offer(
                    () -> inputsOf(nodes, from, moved, newMovedTo, newPlaced, half, nodes.size()), ForkJoinPool.commonPool());
            inputs = inputsOf(nodes, from, moved, newMovedTo, newPlaced, 0, half);
            inputs.append(Futures.resultHelping(second));
        } else {
            inputs = inputsOf(nodes, from, moved, newMovedTo, newPlaced, 0, nodes.size());
        }
        return new Graph(name, new ArrayList<>(nodes), index, newMovedTo, newPlaced, carriesShapes, inputs);
    }

    /** The input positions of a rewrite's nodes {@code start} up to {@code end} (see {@link #rewritten}). */
    private Inputs inputsOf(List<Node> nodes, int[] from, int[] moved, int[] newMovedTo, NameIndex newPlaced,
                            int start, int end) {
        Inputs inputs = new Inputs(end - start);
        for (int i = start; i < end; i++) {
            if (from[i] < 0 || nodes.get(i) != this.nodes.get(from[i])) {
                nodes.get(i).forEachInput(ref -> inputs.add(positionOf(ref, index, newMovedTo, newPlaced)));
            } else {
                for (int k = inputStart[from[i]]; k < inputStart[from[i] + 1]; k++) {
                    int input = moved[inputAt[k]];
                    // An input left without a from (moved, or removed and made anew) is found by its name.
                    inputs.add(input >= 0 ? input
                            : positionOf(this.nodes.get(inputAt[k]).name(), index, newMovedTo, newPlaced));
                }
            }
            inputs.endNode();
        }
        return inputs;
    }

    /**
     * This graph with each node replaced by one of the same name, reading the same inputs, at the same position
     * (values filled in), so the name index and input positions are shared rather than rebuilt.
     */
    public Graph withSameNames(List<Node> sameNames, boolean withShapes) {
        if (sameNames.size() != nodes.size()) {
            throw new IllegalArgumentException("expected " + nodes.size() + " nodes, got " + sameNames.size());
        }
        return new Graph(name, new ArrayList<>(sameNames), index, movedTo, placedHere, withShapes,
                new Inputs(inputStart, inputAt));
    }

    /** Where node {@code at}'s inputs start in {@link #inputPosition}; they end where node {@code at + 1}'s start. */
    public int inputsStart(int at) {
        return inputStart[at];
    }

    /** The position of the {@code k}-th input reference counted over all nodes (see {@link #inputsStart}). */
    public int inputPosition(int k) {
        return inputAt[k];
    }

    /** The graph's name from the upload, or null. */
    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String nodeName) {
        int at = indexOf(nodeName);
        return at < 0 ? null : nodes.get(at);
    }

    /** The node's position in {@link #nodes()}, or -1 when the graph has no node of that name. */
    public int indexOf(String nodeName) {
        return positionOf(nodeName, index, movedTo, placedHere);
    }

    private static int positionOf(String nodeName, NameIndex index, int[] movedTo, NameIndex placedHere) {
        int at = index.get(nodeName);
        if (movedTo == null) {
            return at;
        }
        // A name is either one given a from (kept, replaced or moved), placed through the shared index, or placed
        // here: never both.
        return at >= 0 && movedTo[at] >= 0 ? movedTo[at] : placedHere.get(nodeName);
    }

    public int size() {
        return nodes.size();
    }

    public Node output() {
        return nodes.get(nodes.size() - 1);
    }

    /** True when node values carry shapes (fx-json, annotated fx-python), so split_module's symbol threading is known. */
    public boolean carriesShapes() {
        return carriesShapes;
    }

    /**
     * Users of the nodes {@code producers} accepts, by name, in graph order; a user that references a node twice is
     * listed once. Only theirs: most nodes of a large graph are of no interest to the pass asking.
     */
    public Map<String, List<Node>> usersOf(java.util.function.Predicate<Node> producers) {
        boolean[] chosen = new boolean[nodes.size()];
        for (int at = 0; at < nodes.size(); at++) {
            chosen[at] = producers.test(nodes.get(at));
        }
        Map<String, List<Node>> users = new HashMap<>();
        for (int at = 0; at < nodes.size(); at++) {
            for (int k = inputStart[at]; k < inputStart[at + 1]; k++) {
                if (chosen[inputAt[k]]) {
                    List<Node> list = users.computeIfAbsent(nodes.get(inputAt[k]).name(), n -> new ArrayList<>(2));
                    if (list.isEmpty() || list.get(list.size() - 1) != nodes.get(at)) {
                        list.add(nodes.get(at));
                    }
                }
            }
        }
        return users;
    }

    /** Collects nodes in order and rejects what torch.fx would never produce, naming the offending position. */
    public static final class Builder {
        private final String name;
        private final boolean carriesShapes;
        private final List<Node> nodes = new ArrayList<>();
        private final NameIndex index;
        private final Inputs inputs;
        private boolean hasOutput;
        /** The first reference of the node being added to a name not defined before it; one visitor for all nodes. */
        private String undefined;
        private final java.util.function.Consumer<String> resolve = this::resolve;

        public Builder(String name, boolean carriesShapes) {
            this(name, carriesShapes, 64);
        }

        /** A builder sized for about {@code expectedNodes} nodes, so a large graph's index is not grown step by step. */
        public Builder(String name, boolean carriesShapes, int expectedNodes) {
            this.name = name;
            this.carriesShapes = carriesShapes;
            this.index = new NameIndex(expectedNodes);
            this.inputs = new Inputs(expectedNodes);
        }

        public boolean isDefined(String nodeName) {
            return index.get(nodeName) >= 0;
        }

        /**
         * The name of the node defined as {@code text} spells from {@code from} up to {@code to}, as that node holds
         * it, or null. A reference that holds the node's own string costs no string of its own, and a parser need
         * not cut the name out of its line to look it up.
         */
        public String definedName(String text, int from, int to) {
            return index.name(text, from, to);
        }

        public List<Node> nodes() {
            return nodes;
        }

        /** Adds a node; {@code line}/{@code column} locate it for error messages. */
        public void add(Node node, int line, int column) {
            if (hasOutput) {
                throw new GraphParseException("node '" + node.name() + "' follows the output node; the output must come last",
                        line, column);
            }
            // The inputs resolve before the node is indexed: its own name is not defined for them. The name is
            // looked up once, when it is indexed; a duplicate is still reported before an undefined input.
            undefined = null;
            node.forEachInput(resolve);
            if (undefined != null) {
                inputs.reset();
                if (isDefined(node.name())) {
                    throw duplicate(node, line, column);
                }
                throw new GraphParseException("node '" + node.name() + "' references '" + undefined
                        + "', which is not defined before it", line, column);
            }
            if (index.putIfAbsent(node.name(), nodes.size()) >= 0) {
                inputs.reset();
                throw duplicate(node, line, column);
            }
            hasOutput = node.op() == Op.OUTPUT;
            inputs.endNode();
            nodes.add(node);
        }

        private static GraphParseException duplicate(Node node, int line, int column) {
            return new GraphParseException("duplicate node name '" + node.name() + "'", line, column);
        }

        private void resolve(String ref) {
            int at = index.get(ref);
            if (at >= 0) {
                inputs.add(at);
            } else if (undefined == null) {
                undefined = ref;
            }
        }

        public Graph build(int endLine, int endColumn) {
            if (!hasOutput) {
                throw new GraphParseException("the graph has no output node (a 'return' line)", endLine, endColumn);
            }
            return new Graph(name, nodes, index, carriesShapes, inputs);
        }
    }

    /** Input positions being collected, node by node, into the two arrays a graph keeps. */
    private static final class Inputs {
        private int[] starts;
        private int[] positions;
        private int nodeCount;
        private int count;

        Inputs(int nodes) {
            starts = new int[nodes + 1];
            positions = new int[Math.max(16, nodes * 2)];
        }

        Inputs(int[] starts, int[] positions) {
            this.starts = starts;
            this.positions = positions;
        }

        void add(int position) {
            if (count == positions.length) {
                positions = java.util.Arrays.copyOf(positions, count * 2);
            }
            positions[count++] = position;
        }

        /** Ends the current node's inputs. */
        void endNode() {
            if (nodeCount + 2 > starts.length) {
                starts = java.util.Arrays.copyOf(starts, starts.length * 2);
            }
            starts[++nodeCount] = count;
        }

        /** Adds the nodes of {@code next}, collected apart from these, after these. */
        void append(Inputs next) {
            if (nodeCount + next.nodeCount + 1 > starts.length) {
                starts = java.util.Arrays.copyOf(starts, nodeCount + next.nodeCount + 1);
            }
            if (count + next.count > positions.length) {
                positions = java.util.Arrays.copyOf(positions, count + next.count);
            }
            System.arraycopy(next.positions, 0, positions, count, next.count);
            for (int i = 1; i <= next.nodeCount; i++) {
                starts[nodeCount + i] = count + next.starts[i];
            }
            nodeCount += next.nodeCount;
            count += next.count;
        }

        /** Forgets the inputs added since the last node ended (a node the builder refused). */
        void reset() {
            count = starts[nodeCount];
        }
    }
}
