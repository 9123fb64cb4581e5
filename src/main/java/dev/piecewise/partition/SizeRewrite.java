package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.Symbols;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The two decompositions of torch.Size values that run before subgraph assignment: vLLM's ({@code decompose},
 * PRs #36038/#38360/#42543, failures included) and the corrected {@code decompose-list}.
 */
final class SizeRewrite {

    static final String SYM_SIZE = "torch.ops.aten.sym_size.int";
    /** The name FX makes sym_size nodes' names from. */
    private static final String SYM_SIZE_NAME = FxNamespace.nameForTarget(SYM_SIZE);

    /** Methods whose size parameter is variadic ({@code x.view(*shape)}); self is args[0]. */
    private static final Set<String> VARIADIC_METHODS = Set.of(
            "view", "reshape", "expand", "repeat", "permute", "tile", "new_empty", "new_zeros", "new_ones",
            "resize_", "resize");
    /** Functions whose size parameter is variadic from the first argument ({@code torch.zeros(*size)}). */
    private static final Set<String> VARIADIC_FUNCTIONS = Set.of(
            "torch.zeros", "torch.ones", "torch.empty", "torch.rand", "torch.randn");

    /** The rewritten graph, or the error vLLM's split_graph raises (then null). */
    record Result(GraphEdit.Edited edited, List<Relocation> relocations, List<Problem> badCalls,
                  List<Diagnostic> diagnostics, SplitError splitError) {
    }

    /** A dimension of a decomposed Size: symbolic dims become sym_size nodes, static ones literals. */
    private record Dim(boolean symbolic, String expr) {
    }

    /** The users of a node without any: never added to. */
    private static final DistinctInts NO_USERS = new DistinctInts();

    private final Graph graph;
    /** The positions of the users near Sizes (see {@link #usersNearSizes}) by their input's position; null for none. */
    private final DistinctInts[] usersAt;
    private final GraphEdit edit;
    private final List<Relocation> relocations = new ArrayList<>();
    private final List<Problem> badCalls = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    /** How many Sizes had their shape assumed, and the first ten of them with the rank assumed: what the note says. */
    private int assumedShapes;
    private final Map<String, Integer> firstAssumedRanks = new java.util.LinkedHashMap<>();
    private int symIntInputs = -1;

    private SizeRewrite(Graph graph) {
        this.graph = graph;
        this.edit = new GraphEdit(graph);
        // Both read every node: once there is a Size, FX's count of sym_size_int names is read on another core
        // while this one goes on finding the users near Sizes.
        this.usersAt = usersNearSizes(graph, () -> edit.readNamesAhead(SYM_SIZE_NAME));
    }

    /**
     * Users of the nodes a rewrite touches: Size-valued nodes and the nodes that read them (a getitem of a Size
     * is replaced in turn). Not every node's users: in a large graph most nodes are nowhere near a Size.
     * {@code firstSize} runs when the first Size-valued node is met.
     */
    private static DistinctInts[] usersNearSizes(Graph graph, Runnable firstSize) {
        List<Node> nodes = graph.nodes();
        boolean[] sizes = new boolean[nodes.size()];
        boolean[] readers = new boolean[nodes.size()];
        DistinctInts[] users = new DistinctInts[nodes.size()];
        boolean anySize = false;
        for (int at = 0; at < nodes.size(); at++) {
            Node node = nodes.get(at);
            boolean readsSize = false;
            for (int k = graph.inputsStart(at); k < graph.inputsStart(at + 1); k++) {
                int input = graph.inputPosition(k);
                if (sizes[input] || readers[input]) {
                    if (users[input] == null) {
                        users[input] = new DistinctInts();
                    }
                    users[input].add(at);
                }
                readsSize |= sizes[input];
            }
            if (node.kind() == ValueKind.SIZE || node.isCallMethod("size") || KindInference.isShapeAttribute(node)) {
                if (!anySize) {
                    anySize = true;
                    firstSize.run();
                }
                sizes[at] = true;
            } else if (readsSize) {
                readers[at] = true;
            }
        }
        return users;
    }

    /** vLLM's decomposition: only {@code x.size()}; getitem users take the element, other users get it spliced. */
    static Result decompose(Graph graph) {
        SizeRewrite rewrite = new SizeRewrite(graph);
        for (int at = 0; at < graph.size(); at++) {
            Node node = graph.nodes().get(at);
            if (node.isCallMethod("size") && node.args().size() == 1 && node.kwargs().isEmpty()
                    && node.args().get(0) instanceof Arg.Ref) {
                SplitError error = rewrite.decomposeOne(node, at);
                if (error != null) {
                    return new Result(null, rewrite.relocations, List.of(), rewrite.diagnostics(), error);
                }
            }
        }
        return rewrite.result();
    }

    /**
     * The corrected decomposition: {@code x.size()} and {@code x.shape} without a dim, and getitem slices of them,
     * become lists of their elements wherever they are used. Any other Size-valued node (a {@code torch.Size([...])}
     * call, a Size input) stays as it is; see src/docs/partitioning.md.
     */
    static Result decomposeList(Graph graph) {
        SizeRewrite rewrite = new SizeRewrite(graph);
        Map<String, List<Arg>> elementsOf = new HashMap<>();
        for (int at = 0; at < graph.size(); at++) {
            Node node = graph.nodes().get(at);
            if (isSizeOfTensor(node) || isSliceOfDecomposed(node, elementsOf)) {
                List<Arg> elements = rewrite.elementsForList(node, at, elementsOf);
                if (elements != null) {
                    elementsOf.put(node.name(), elements);
                    rewrite.replaceWithList(node, at, elements);
                }
            }
        }
        return rewrite.result();
    }

    /** The node {@code at}'s first input: for {@code x.size()} or {@code x.shape}, the tensor {@code x}. */
    private Node firstInput(int at) {
        return graph.nodes().get(graph.inputPosition(graph.inputsStart(at)));
    }

    /** The positions of the users of the node at {@code at}, as far as {@link #usersNearSizes} found them. */
    private DistinctInts usersOf(int at) {
        return usersAt[at] != null ? usersAt[at] : NO_USERS;
    }

    private Result result() {
        return new Result(edit.apply(), relocations, badCalls, diagnostics(), null);
    }

    /** One note for all Sizes whose shape had to be assumed, so a large graph does not drown in them. */
    private List<Diagnostic> diagnostics() {
        if (assumedShapes == 0) {
            return diagnostics;
        }
        List<Diagnostic> all = new ArrayList<>(diagnostics);
        String listed = firstAssumedRanks.entrySet().stream().map(e -> e.getKey() + " (rank " + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        all.add(Diagnostic.warning("assumed-shape", "The upload carries no shapes, so " + assumedShapes
                + " Size value(s) were decomposed assuming dim 0 symbolic (Dynamo's dynamic batch dimension), the "
                + "other dims static, and rank 2 unless the graph indexes further: " + listed
                + (assumedShapes > 10 ? " and " + (assumedShapes - 10) + " more" : "") + ". The real number of sym_size nodes depends on the "
                + "tensors' shapes; upload fx-json to know it.", firstAssumedRanks.keySet().iterator().next(), null));
        return all;
    }

    private SplitError decomposeOne(Node size, int at) {
        Node tensorNode = firstInput(at);
        String tensor = tensorNode.name();
        List<Dim> dims = dimsOf(size, at, tensorNode);
        List<Arg> elements = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < dims.size(); i++) {
            Dim dim = dims.get(i);
            if (dim.symbolic()) {
                Node symSize = symSizeNode(tensor, i, dim);
                edit.insertRightAfter(tensor, symSize);
                created.add(symSize.name());
                elements.add(new Arg.Ref(symSize.name()));
            } else {
                elements.add(staticDim(dim));
            }
        }
        List<String> remaining = new ArrayList<>();
        DistinctInts users = usersOf(at);
        for (int u = 0; u < users.size(); u++) {
            Node user = graph.nodes().get(users.get(u));
            Node current = edit.get(user.name());
            if (current.isGetitemOf(size.name()) && !(current.args().get(1) instanceof Arg.IntLit)) {
                // vLLM asserts an int index on every getitem of a size() it decomposes (x.shape[:-1] fails here)
                Arg index = current.args().get(1);
                return new SplitError.NonLiteralSizeIndex(index instanceof Arg.Ref ? "Node" : pythonType(index),
                        dev.piecewise.graph.PythonRepr.of(index, Function.identity()));
            }
            Integer index = current.intIndexInto(size.name());
            if (index != null && index >= -dims.size() && index < dims.size()) {
                replaceAllUses(users.get(u), elements.get(index < 0 ? index + dims.size() : index));
                continue;
            }
            Node spliced = splice(current, size.name(), elements);
            if (stillReferences(spliced, size.name())) {
                remaining.add(user.name());
            }
        }
        if (!remaining.isEmpty()) {
            return new SplitError.SizeStillUsed(size.name(), remaining);
        }
        edit.remove(size.name());
        relocations.add(Relocation.decomposed(size.name(), created));
        return null;
    }

    private Node symSizeNode(String tensor, int dim, Dim d) {
        String name = edit.newName(SYM_SIZE_NAME);
        // sym_size.int always gives a SymInt: only the number of such nodes is assumed, not their kind.
        ValueInfo value = ValueInfo.symInt(d.expr());
        return new Node(name, Op.CALL_FUNCTION, SYM_SIZE, List.of(new Arg.Ref(tensor), Arg.IntLit.of(dim)), Map.of(),
                null, value, null);
    }

    private static Arg staticDim(Dim dim) {
        return dim.expr() == null ? new Arg.Repr("<static dim>") : Arg.IntLit.of(Long.parseLong(dim.expr().trim()));
    }

    /** Splices the elements in for every top-level positional reference; records a call that cannot take them. */
    private Node splice(Node user, String size, List<Arg> elements) {
        List<Arg> args = new ArrayList<>();
        int firstSplice = -1;
        for (Arg a : user.args()) {
            if (a instanceof Arg.Ref ref && ref.name().equals(size)) {
                if (firstSplice < 0) {
                    firstSplice = args.size();
                }
                args.addAll(elements);
            } else {
                args.add(a);
            }
        }
        Node spliced = user.withArgs(args, user.kwargs());
        edit.replace(spliced);
        if (firstSplice >= 0 && !takesVariadicSize(user, firstSplice)) {
            badCalls.add(Problem.badCall(user.name(), size, badCallMessage(spliced)));
        }
        return spliced;
    }

    private static boolean takesVariadicSize(Node user, int position) {
        if (user.op() == Op.CALL_METHOD) {
            return VARIADIC_METHODS.contains(user.target()) && position >= 1;
        }
        if (user.op() == Op.CALL_FUNCTION) {
            String target = user.canonicalTarget();
            if (VARIADIC_FUNCTIONS.contains(target)) {
                return position >= 0;
            }
            String method = target.startsWith("torch.Tensor.") ? target.substring("torch.Tensor.".length()) : null;
            return method != null && VARIADIC_METHODS.contains(method) && position >= 1;
        }
        return false;
    }

    private String badCallMessage(Node call) {
        String types = call.args().stream().map(this::pythonType).collect(Collectors.joining(", "));
        return "TypeError: " + FxNamespace.nameForTarget(call.target()) + "() received an invalid combination of "
                + "arguments - got (" + types + "), but expected one of:";
    }

    private String pythonType(Arg arg) {
        if (arg instanceof Arg.Ref ref) {
            Node node = edit.get(ref.name());
            ValueKind kind = node == null ? ValueKind.TENSOR : node.kind();
            return kind == ValueKind.TENSOR ? "Tensor" : kind == ValueKind.SYMINT ? "SymInt" : kind.id();
        }
        if (arg instanceof Arg.IntLit) {
            return "int";
        }
        if (arg instanceof Arg.FloatLit) {
            return "float";
        }
        if (arg instanceof Arg.BoolLit) {
            return "bool";
        }
        if (arg instanceof Arg.NoneLit) {
            return "NoneType";
        }
        if (arg instanceof Arg.Tuple) {
            return "tuple";
        }
        if (arg instanceof Arg.ListArg) {
            return "list";
        }
        if (arg instanceof Arg.Slice) {
            return "slice";
        }
        if (arg instanceof Arg.Repr) {
            return "int"; // a static dim whose value the upload does not give
        }
        return "str";
    }

    private static boolean stillReferences(Node node, String name) {
        boolean[] found = {false};
        node.forEachInput(ref -> found[0] |= ref.equals(name));
        return found[0];
    }

    /** FX's {@code replace_all_uses_with} followed by {@code erase_node}, for the node at {@code at}. */
    private void replaceAllUses(int at, Arg replacement) {
        String node = graph.nodes().get(at).name();
        DistinctInts users = usersOf(at);
        for (int u = 0; u < users.size(); u++) {
            edit.rewriteRefs(graph.nodes().get(users.get(u)).name(),
                    ref -> ref.equals(node) ? replacement : new Arg.Ref(ref));
        }
        edit.remove(node);
    }

    /** {@code x.size()} (no dim argument) or {@code x.shape}. */
    private static boolean isSizeOfTensor(Node node) {
        return ((node.isCallMethod("size") && node.args().size() == 1 && node.kwargs().isEmpty())
                || KindInference.isShapeAttribute(node)) && node.args().get(0) instanceof Arg.Ref;
    }

    private static boolean isSliceOfDecomposed(Node node, Map<String, List<Arg>> elementsOf) {
        return node.isCallFunction("operator.getitem") && node.args().size() == 2
                && node.args().get(0) instanceof Arg.Ref ref && elementsOf.containsKey(ref.name())
                && node.args().get(1) instanceof Arg.Slice;
    }

    private List<Arg> elementsForList(Node node, int at, Map<String, List<Arg>> elementsOf) {
        Arg first = node.args().get(0);
        if (isSizeOfTensor(node)) {
            Node tensorNode = firstInput(at);
            String tensor = tensorNode.name();
            List<Dim> dims = dimsOf(node, at, tensorNode);
            List<Arg> elements = new ArrayList<>();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < dims.size(); i++) {
                if (dims.get(i).symbolic()) {
                    Node symSize = symSizeNode(tensor, i, dims.get(i));
                    edit.appendAfter(node.name(), symSize);
                    created.add(symSize.name());
                    elements.add(new Arg.Ref(symSize.name()));
                } else {
                    elements.add(staticDim(dims.get(i)));
                }
            }
            relocations.add(Relocation.decomposed(node.name(), created));
            return elements;
        }
        List<Arg> sliced = slice(elementsOf.get(((Arg.Ref) first).name()), (Arg.Slice) node.args().get(1));
        if (sliced != null) {
            relocations.add(Relocation.decomposed(node.name(), List.of()));
            return sliced;
        }
        diagnostics.add(Diagnostic.warning("size-not-decomposed", "decompose-list cannot tell the elements of "
                + node.name() + " (" + node.target() + "); it is left as it is", node.name(), null));
        return null;
    }

    private static List<Arg> slice(List<Arg> elements, Arg.Slice slice) {
        Integer start = sliceBound(slice.start());
        Integer stop = sliceBound(slice.stop());
        Integer step = sliceBound(slice.step());
        if ((start == null && !(slice.start() instanceof Arg.NoneLit)) || (stop == null && !(slice.stop() instanceof Arg.NoneLit))
                || (step != null && step != 1) || (step == null && !(slice.step() instanceof Arg.NoneLit))) {
            return null;
        }
        int n = elements.size();
        int from = start == null ? 0 : Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int to = stop == null ? n : Math.max(0, Math.min(n, stop < 0 ? stop + n : stop));
        return from >= to ? List.of() : elements.subList(from, to);
    }

    private static Integer sliceBound(Arg arg) {
        return arg instanceof Arg.IntLit i ? (int) i.value() : null;
    }

    /** Every use, in args and kwargs at any depth, becomes the list; getitem users take their element. */
    private void replaceWithList(Node size, int at, List<Arg> elements) {
        Arg list = new Arg.ListArg(elements);
        DistinctInts users = usersOf(at);
        for (int u = 0; u < users.size(); u++) {
            Node current = edit.get(graph.nodes().get(users.get(u)).name());
            Integer index = current.intIndexInto(size.name());
            if (index != null && index >= -elements.size() && index < elements.size()) {
                replaceAllUses(users.get(u), elements.get(index < 0 ? index + elements.size() : index));
            } else {
                edit.rewriteRefs(current.name(), ref -> ref.equals(size.name()) ? list : new Arg.Ref(ref));
            }
        }
        edit.remove(size.name());
    }

    /**
     * The rank and symbolic dims of the tensor behind a Size: from the Size's own value or the tensor's shape when
     * the upload carries them; otherwise assumed, and said in a diagnostic. A tensor made by {@code view}/{@code
     * reshape} has one dim per size argument (-1 and SymInt arguments symbolic). Any other tensor is taken as Dynamo
     * captures it: one symbolic leading dim per SymInt graph input (its dynamic dims; at least one), then one static
     * dim, with the rank raised to cover every index the graph takes.
     */
    private List<Dim> dimsOf(Node size, int at, Node tensorNode) {
        List<String> shape = size.value() != null && size.value().shape() != null ? size.value().shape()
                : tensorNode.value() != null ? tensorNode.value().shape() : null;
        if (shape != null) {
            return shape.stream().map(d -> new Dim(!Symbols.isStatic(d), d)).toList();
        }
        List<Dim> dims = reshapedDims(tensorNode);
        if (dims == null) {
            int symbolic = Math.max(1, symIntInputs());
            int rank = symbolic + 1;
            DistinctInts users = usersOf(at);
            for (int u = 0; u < users.size(); u++) {
                Integer index = graph.nodes().get(users.get(u)).intIndexInto(size.name());
                if (index != null) {
                    rank = Math.max(rank, index < 0 ? -index : index + 1);
                }
            }
            dims = new ArrayList<>();
            for (int i = 0; i < rank; i++) {
                dims.add(new Dim(i < symbolic, null));
            }
        }
        if (assumedShapes++ < 10) { // each Size is decomposed once
            firstAssumedRanks.put(size.name(), dims.size());
        }
        return dims;
    }

    /** The dims a {@code view}/{@code reshape} call asks for, or null when its arguments do not spell them out. */
    private static List<Dim> reshapedDims(Node tensor) {
        boolean reshape = tensor.op() == Op.CALL_METHOD && (tensor.target().equals("view") || tensor.target().equals("reshape"));
        if (!reshape || tensor.args().size() < 2) {
            return null;
        }
        List<Arg> sizes = tensor.args().subList(1, tensor.args().size());
        if (sizes.size() == 1 && sizes.get(0) instanceof Arg.Tuple tuple) {
            sizes = tuple.items();
        }
        List<Dim> dims = new ArrayList<>();
        for (Arg a : sizes) {
            if (a instanceof Arg.IntLit i) {
                dims.add(new Dim(i.value() < 0, i.value() < 0 ? null : Long.toString(i.value())));
            } else if (a instanceof Arg.Ref) {
                dims.add(new Dim(true, null));
            } else {
                return null;
            }
        }
        return dims;
    }

    private int symIntInputs() {
        if (symIntInputs < 0) {
            symIntInputs = (int) graph.nodes().stream()
                    .filter(n -> n.op() == Op.PLACEHOLDER && n.kind() == ValueKind.SYMINT).count();
        }
        return symIntInputs;
    }
}
