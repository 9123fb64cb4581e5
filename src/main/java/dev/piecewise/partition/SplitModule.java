package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.Symbols;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code torch.fx.passes.split_module(gm, None, id_of, keep_original_order=True)} makes of an assignment:
 * each submodule's nodes, inputs (with threaded shape symbols) and outputs, the order the top-level graph calls
 * them, and the two ways it fails ({@code KeyError} for a value needed before it is emitted, and a cycle).
 * One walk over the nodes, as in PyTorch.
 */
final class SplitModule {

    /** A partition under construction; field names follow split_module's {@code Partition}. */
    static final class Part {
        final int id;
        /** The input graph's nodes placed here, in graph order. */
        final List<String> nodes = new ArrayList<>();
        /**
         * The submodule's nodes as split_module lays them out: {@link #nodes} between global-state copies; the
         * same list as {@link #nodes} when the graph sets no global state. Set by {@link #layOut}.
         */
        List<String> layout;
        /**
         * The global-state copies, and attributes fetched under another node's name; null for none (most parts: a
         * graph may have 180,000).
         */
        private List<GlobalStateCopy> copies;
        /** The positions of its inputs and outputs in the graph, in split_module's order. */
        final DistinctInts inputs = new DistinctInts();
        /**
         * The submodules it uses (a higher-order op's branches or body), by position: split_module fetches each with a
         * get_attr of its own, made with the placeholders, rather than passing it in. Null for none (most parts).
         */
        private DistinctInts attributes;
        /** The inputs a node of this part reads; null when no shape symbols are threaded (then every input is). */
        private final DistinctInts usedDirectly;
        final DistinctInts outputs = new DistinctInts();
        final DistinctInts dependencies = new DistinctInts();
        final DistinctInts dependents = new DistinctInts();
        /** Dependencies not yet sorted, while looking for a cycle. */
        int unsorted;
        /**
         * Where the top-level graph calls this part (the order ids first appear in the graph): its index in
         * {@link #parts}, kept so that the KeyError check compares two parts without a search.
         */
        private final int order;

        Part(int id, boolean threadSymbols, int order) {
            this.id = id;
            this.order = order;
            this.usedDirectly = threadSymbols ? new DistinctInts() : null;
        }

        /** Whether split_module adds {@code input} only for a shape symbol of another input (no node here reads it). */
        boolean threadedOnly(int input) {
            return usedDirectly != null && !usedDirectly.contains(input);
        }

        List<GlobalStateCopy> copies() {
            return copies == null ? List.of() : copies;
        }
    }

    /**
     * The partitions in first-appearance (emission) order, or the error split_module raises.
     *
     * @param globalStateRegions grad-mode and autocast nodes with the subgraph ids of their region, in order;
     *                           split_module copies each into every submodule of its region after the first
     */
    record Split(List<Part> parts, SplitModule walk, SplitError error,
                 Map<String, java.util.SortedSet<Integer>> globalStateRegions) {

        /** The id of the partition computing {@code node}; -1 for inputs and constants, which none computes. */
        int partOf(String node) {
            return walk.partOf(node);
        }

        /** The id of the partition computing the node at {@code position}; -1 for inputs and constants. */
        int partAt(int position) {
            return walk.partOf[position];
        }

        /** The submodules that read the node at {@code position} from another, and "output", in first-use order. */
        List<String> consumersOf(int position) {
            DistinctInts ids = walk.consumers[position];
            if (ids == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                names.add(ids.get(i) == OUTPUT ? "output" : Submodule.nameOf(ids.get(i)));
            }
            return names;
        }
    }

    /** The graph's output among the consumers of a value. */
    private static final int OUTPUT = -1;

    private static final String SET_GRAD_ENABLED = "torch._C._set_grad_enabled";

    private final Graph graph;
    /** Partition of each node by graph index, -1 until the walk reaches it and for placeholders and get_attr. */
    private final int[] partOf;
    /** The partitions in first-appearance (emission) order. */
    private final List<Part> parts = new ArrayList<>();
    /** {@link #parts} by id, for the lookups made once per edge: no boxing, no hashing. */
    private Part[] partsById = new Part[16];
    /** The consumers of each node read from another partition, by position; null for none (most nodes). */
    private final DistinctInts[] consumers;
    /** {@link #moduleAttributes(Graph)}. */
    private final boolean[] moduleAttributes;
    /** Each shape symbol's node, by position. */
    private final Map<String, Integer> symbolToNode = new HashMap<>();
    private final Map<Integer, List<String>> symbolsOf = new HashMap<>();
    private final boolean threadSymbols;
    private String unboundSymbol;
    private final Map<String, java.util.SortedSet<Integer>> regions = new LinkedHashMap<>();
    private final Set<String> openAutocasts = new LinkedHashSet<>();
    /** Each {@code _enter_autocast} with the {@code _exit_autocast} that closes it, in graph order. */
    private final Map<String, String> autocastExits = new LinkedHashMap<>();
    private String activeGrad;
    private int highestPartition = -1;
    private SplitError orderError;

    private SplitModule(Graph graph) {
        this.graph = graph;
        this.partOf = new int[graph.size()];
        this.consumers = new DistinctInts[graph.size()];
        java.util.Arrays.fill(partOf, -1);
        this.threadSymbols = graph.carriesShapes();
        this.moduleAttributes = moduleAttributes(graph);
    }

    /**
     * Per node: a get_attr of a submodule, not of a tensor. The upload says so where it gave the attribute's value
     * (no tensor); without one, an attribute a higher-order op takes ({@code torch.ops.higher_order.cond}'s branches, a
     * checkpoint's body, flex_attention's score and mask functions, the latter inside its block-mask tuple) is taken
     * for one. Null when the graph has no such attribute.
     */
    private static boolean[] moduleAttributes(Graph graph) {
        List<Node> nodes = graph.nodes();
        boolean[] modules = null;
        for (int at = 0; at < nodes.size(); at++) {
            Node node = nodes.get(at);
            if (node.op() != Op.CALL_FUNCTION || !node.target().startsWith("torch.ops.higher_order.")) {
                continue;
            }
            for (int k = graph.inputsStart(at); k < graph.inputsStart(at + 1); k++) {
                int attribute = graph.inputPosition(k);
                if (nodes.get(attribute).op() == Op.GET_ATTR && !holdsATensor(nodes.get(attribute).value())) {
                    modules = modules == null ? new boolean[nodes.size()] : modules;
                    modules[attribute] = true;
                }
            }
        }
        for (int at = 0; at < nodes.size(); at++) {
            Node node = nodes.get(at);
            if (node.op() == Op.GET_ATTR && node.value() != null && node.value().kind() == ValueKind.NONE
                    && !node.value().guessed()) {
                modules = modules == null ? new boolean[nodes.size()] : modules;
                modules[at] = true;
            }
        }
        return modules;
    }

    /** A value the upload gave as a tensor with its shape (a rule's tensor is no evidence). */
    private static boolean holdsATensor(ValueInfo value) {
        return value != null && value.kind() == ValueKind.TENSOR && value.shape() != null;
    }

    /**
     * @param graph the graph; when its values carry shapes, shape symbols are threaded as PyTorch does
     * @param ids   subgraph id of every call node (those of placeholders, get_attr and output are not read)
     */
    static Split run(Graph graph, SubgraphIds ids) {
        return new SplitModule(graph).split(graph.nodes(), ids);
    }

    private Split split(List<Node> nodes, SubgraphIds ids) {
        // split_module binds every symbol in a first pass over the whole graph, before it records any use.
        for (int at = 0; at < nodes.size(); at++) {
            bindSymbol(nodes.get(at), at);
        }
        for (int at = 0; at < nodes.size(); at++) {
            Node node = nodes.get(at);
            if (node.op() == Op.PLACEHOLDER || node.op() == Op.GET_ATTR) {
                continue;
            }
            int inputsEnd = graph.inputsStart(at + 1);
            if (node.op() == Op.OUTPUT) {
                for (int k = graph.inputsStart(at); k < inputsEnd; k++) {
                    int def = graph.inputPosition(k);
                    recordUse(def, partOf[def], -1);
                    if (partOf[def] >= 0) {
                        addConsumer(def, OUTPUT);
                    }
                }
                continue;
            }
            int id = ids.at(at);
            Part part = part(id);
            if (part == null) {
                part = new Part(id, threadSymbols, parts.size());
                parts.add(part);
                if (id >= partsById.length) {
                    partsById = java.util.Arrays.copyOf(partsById, Math.max(id + 1, partsById.length * 2));
                }
                partsById[id] = part;
            }
            part.nodes.add(node.name());
            partOf[at] = id;
            if (trackGlobalState(node, id)) {
                continue; // its setup and unwind are copied into each submodule, so it makes no cross use
            }
            for (int k = graph.inputsStart(at); k < inputsEnd; k++) {
                int def = graph.inputPosition(k);
                int defined = partOf[def];
                recordUse(def, defined, id);
                if (defined >= 0 && defined != id) {
                    addConsumer(def, id);
                }
            }
        }
        SplitError error = unboundSymbol != null ? new SplitError.UnboundSymbol(unboundSymbol)
                : !openAutocasts.isEmpty() ? new SplitError.AutocastNotExited()
                : !regions.isEmpty() && orderError != null ? orderError
                : cycleError();
        if (error == null) {
            error = keyError();
        }
        if (error == null) {
            layOut();
        }
        return new Split(parts, this, error, regions);
    }

    /**
     * Follows grad-mode and autocast regions as split_module does; returns true for a global-state node. Regions
     * require subgraph ids that never decrease along the graph.
     */
    private boolean trackGlobalState(Node node, int id) {
        if (orderError == null && id < highestPartition) {
            orderError = new SplitError.GlobalStateOrder(highestPartition, id);
        }
        highestPartition = Math.max(highestPartition, id);
        boolean globalState = false;
        if (node.op() == Op.CALL_FUNCTION) {
            String target = node.canonicalTarget();
            if (target.equals(SET_GRAD_ENABLED)) {
                activeGrad = node.name();
                regions.put(activeGrad, new java.util.TreeSet<>(List.of(id)));
                globalState = true;
            } else if (target.endsWith("._enter_autocast")) {
                openAutocasts.add(node.name());
                regions.put(node.name(), new java.util.TreeSet<>(List.of(id)));
                globalState = true;
            } else if (target.endsWith("._exit_autocast") && !node.args().isEmpty()
                    && node.args().get(0) instanceof Arg.Ref enter && regions.containsKey(enter.name())) {
                regions.get(enter.name()).add(id);
                openAutocasts.remove(enter.name());
                autocastExits.put(enter.name(), node.name());
                globalState = true;
            }
        }
        if (activeGrad != null) {
            regions.get(activeGrad).add(id);
        }
        if (!openAutocasts.isEmpty()) { // most graphs have none: no lambda per node
            openAutocasts.forEach(a -> regions.get(a).add(id));
        }
        return globalState;
    }

    /**
     * Lays each submodule out as split_module builds its graph: first a copy of every autocast, then of every
     * grad-mode node whose region reaches it from an earlier submodule; then its placeholders and own nodes; then,
     * innermost region first, an {@code _exit_autocast} for every autocast region that goes on past it. Copies are
     * named by FX after their target, de-duplicated among the names the submodule's graph already holds.
     */
    private void layOut() {
        if (regions.isEmpty()) { // no copies but attributes' to name: each submodule is its attributes and own nodes
            for (Part part : parts) {
                if (part.attributes == null) {
                    part.layout = part.nodes;
                } else {
                    FxNamespace namespace = new FxNamespace();
                    nameInputs(part, namespace);
                    part.layout = new ArrayList<>(attributes(part, namespace));
                    part.layout.addAll(part.nodes);
                }
            }
            return;
        }
        parts.forEach(part -> part.layout = new ArrayList<>());
        Map<Integer, FxNamespace> names = new HashMap<>();
        parts.forEach(part -> names.put(part.id, new FxNamespace()));
        for (String enter : autocastExits.keySet()) {
            copyIntoLaterParts(enter, names);
        }
        for (String node : regions.keySet()) {
            if (!autocastExits.containsKey(node)) {
                copyIntoLaterParts(node, names);
            }
        }
        for (Part part : parts) {
            FxNamespace namespace = names.get(part.id);
            nameInputs(part, namespace);
            if (part.attributes != null) {
                part.layout.addAll(attributes(part, namespace));
            }
            for (String node : part.nodes) {
                namespace.create(node); // keeps its name unless a copy took it
                part.layout.add(node);
            }
        }
        List<String> enters = new ArrayList<>(autocastExits.keySet());
        for (int i = enters.size() - 1; i >= 0; i--) {
            java.util.SortedSet<Integer> region = regions.get(enters.get(i));
            for (int id : region.headSet(region.last())) {
                addCopy(part(id), names.get(id), autocastExits.get(enters.get(i)));
            }
        }
    }

    /** The part's placeholders, named first in its graph. */
    private void nameInputs(Part part, FxNamespace namespace) {
        for (int i = 0; i < part.inputs.size(); i++) {
            namespace.create(graph.nodes().get(part.inputs.get(i)).name());
        }
    }

    /**
     * The names of the part's get_attr nodes, in the order split_module makes them with its placeholders. FX names
     * each after its target: a second fetch of one attribute (a {@code nested_compile_region} called twice) takes
     * the target's name, not its node's, and is then a copy of the node it fetches for.
     */
    private List<String> attributes(Part part, FxNamespace namespace) {
        List<String> names = new ArrayList<>(part.attributes.size());
        for (int i = 0; i < part.attributes.size(); i++) {
            Node attribute = graph.nodes().get(part.attributes.get(i));
            String name = namespace.create(FxNamespace.nameForTarget(attribute.target()));
            if (!name.equals(attribute.name())) {
                if (part.copies == null) {
                    part.copies = new ArrayList<>();
                }
                part.copies.add(new GlobalStateCopy(name, attribute.name()));
            }
            names.add(name);
        }
        return names;
    }

    private void copyIntoLaterParts(String node, Map<Integer, FxNamespace> names) {
        java.util.SortedSet<Integer> region = regions.get(node);
        for (int id : region.tailSet(region.first() + 1)) {
            addCopy(part(id), names.get(id), node);
        }
    }

    private void addCopy(Part part, FxNamespace namespace, String of) {
        String name = namespace.create(FxNamespace.nameForTarget(graph.node(of).target()));
        if (part.copies == null) {
            part.copies = new ArrayList<>();
        }
        part.copies.add(new GlobalStateCopy(name, of));
        part.layout.add(name);
    }

    private void addConsumer(int value, int consumer) {
        if (consumers[value] == null) {
            consumers[value] = new DistinctInts();
        }
        consumers[value].add(consumer);
    }

    /** split_module binds a symbol to the first node whose value is exactly that SymInt/SymFloat. */
    private void bindSymbol(Node node, int at) {
        if (!threadSymbols || node.value() == null) {
            return;
        }
        ValueKind kind = node.kind();
        String expr = node.value().expr();
        if ((kind == ValueKind.SYMINT || kind == ValueKind.SYMFLOAT) && Symbols.isPlainSymbol(expr)) {
            symbolToNode.putIfAbsent(expr, at);
        }
    }

    /** The part of that id; null for -1 (no part) and ids not seen yet. */
    private Part part(int id) {
        return id >= 0 && id < partsById.length ? partsById[id] : null;
    }

    private int partOf(String node) {
        int at = graph.indexOf(node);
        return at < 0 ? -1 : partOf[at];
    }

    /**
     * A use of the node at {@code def} (in partition {@code defined}, -1 for none) by partition {@code used} (-1: the
     * output).
     */
    private void recordUse(int def, int defined, int used) {
        if (defined == used) {
            return;
        }
        if (defined >= 0) {
            Part defPart = part(defined);
            defPart.outputs.add(def);
            if (used >= 0) {
                defPart.dependents.add(used);
            }
        }
        if (used < 0) {
            return;
        }
        Part usePart = part(used);
        if (moduleAttributes != null && moduleAttributes[def]) {
            if (usePart.attributes == null) {
                usePart.attributes = new DistinctInts();
            }
            usePart.attributes.add(def);
            return;
        }
        usePart.inputs.add(def);
        if (threadSymbols) {
            usePart.usedDirectly.add(def);
            threadSymbolsOf(def, usePart);
        }
        if (defined >= 0) {
            usePart.dependencies.add(defined);
        }
    }

    private void threadSymbolsOf(int def, Part usePart) {
        List<String> symbols = symbolsOf.computeIfAbsent(def, d -> graph.nodes().get(d).value() == null ? List.of()
                : graph.nodes().get(d).value().freeSymbols());
        for (String symbol : symbols) {
            Integer symbolNode = symbolToNode.get(symbol);
            if (symbolNode == null) {
                if (unboundSymbol == null) {
                    unboundSymbol = symbol;
                }
                continue;
            }
            usePart.inputs.add(symbolNode);
            if (graph.nodes().get(symbolNode).op() != Op.PLACEHOLDER) {
                int symbolDefined = partOf[symbolNode];
                if (symbolDefined >= 0) {
                    Part symbolPart = part(symbolDefined);
                    symbolPart.outputs.add(symbolNode);
                    symbolPart.dependents.add(usePart.id);
                    usePart.dependencies.add(symbolDefined);
                }
            }
        }
    }

    /** Kahn's algorithm, popping roots from the end as split_module does. */
    private SplitError cycleError() {
        // Dependencies and dependents are recorded in pairs, so counting the unsorted dependencies is enough.
        Deque<Part> roots = new ArrayDeque<>();
        for (Part part : parts) {
            // A partition that depends on itself (a shape symbol defined inside it) never becomes a root, as in PyTorch.
            part.unsorted = part.dependencies.size();
            if (part.unsorted == 0) {
                roots.push(part);
            }
        }
        int sorted = 0;
        while (!roots.isEmpty()) {
            Part root = roots.pop();
            sorted++;
            for (int i = 0; i < root.dependents.size(); i++) {
                Part dependent = part(root.dependents.get(i));
                if (--dependent.unsorted == 0) {
                    roots.push(dependent);
                }
            }
        }
        return sorted == parts.size() ? null : new SplitError.PartitionCycle();
    }

    /**
     * With keep_original_order the top-level graph calls submodules in first-appearance order, so an input must be
     * computed by a part called earlier (which then returns it: every use from another part makes it an output).
     */
    private SplitError keyError() {
        for (Part part : parts) {
            for (int i = 0; i < part.inputs.size(); i++) {
                int at = part.inputs.get(i);
                Part producer = part(partOf[at]);
                if (producer != null ? producer.order >= part.order : isComputed(graph.nodes().get(at))) {
                    return new SplitError.ValueNotYetEmitted(graph.nodes().get(at).name());
                }
            }
        }
        return null;
    }

    /** Placeholders and get_attr are the top-level graph's own; any other node is computed by some part. */
    private static boolean isComputed(Node node) {
        return node.op() != Op.PLACEHOLDER && node.op() != Op.GET_ATTR;
    }
}
