package dev.piecewise.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Infers value kinds for nodes the upload gave no metadata for ({@code print(graph)}, {@code gm.code}), with the
 * rules in src/docs/formats.md. Kinds that only a fallback rule supports are marked {@link ValueInfo#guessed()}.
 */
public final class KindInference {

    private static final Set<String> SYMINT_FUNCTIONS = Set.of(
            "torch.ops.aten.sym_size.int", "torch.ops.aten.sym_size", "torch.ops.aten.sym_numel.default",
            "torch.ops.aten.sym_numel", "torch.ops.aten.sym_stride.int", "torch.ops.aten.sym_stride",
            "torch.sym_int", "torch.sym_max", "torch.sym_min");
    private static final Set<String> ARITHMETIC = Set.of(
            "operator.add", "operator.sub", "operator.mul", "operator.floordiv", "operator.mod", "operator.pow",
            "operator.neg", "operator.abs", "operator.truediv", "torch.sym_float");
    /** Python's comparisons: of SymInts, SymFloats and ints they give a SymBool, as PyTorch's SymNode does. */
    private static final Set<String> COMPARISONS = Set.of(
            "operator.eq", "operator.ne", "operator.lt", "operator.le", "operator.gt", "operator.ge");
    /** {@code Tensor.item()} as aten writes it. */
    private static final Set<String> ITEM_FUNCTIONS = Set.of(
            "torch.ops.aten._local_scalar_dense.default", "torch.ops.aten._local_scalar_dense",
            "torch.ops.aten.item.default", "torch.ops.aten.item");
    private static final Set<String> TUPLE_METHODS = Set.of(
            "split", "chunk", "unbind", "topk", "sort", "tensor_split", "split_with_sizes", "unsafe_split");
    private static final Set<String> TUPLE_METHODS_WITH_DIM = Set.of("max", "min", "median", "mode", "kthvalue");

    private KindInference() {
    }

    /** Returns the graph with a value for every node that had none; node names and order stay as they are. */
    public static Graph complete(Graph graph) {
        List<Node> nodes = graph.nodes();
        boolean[] indexedOnly = indexedOnly(graph);
        Done done = new Done(graph, new ArrayList<>(nodes.size()));
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            done.current = i;
            done.nodes.add(node.value() != null ? node : node.withValue(infer(node, done, indexedOnly[i])));
        }
        return graph.withSameNames(done.nodes, graph.carriesShapes());
    }

    /**
     * The nodes completed so far, and the inputs of the one being completed, by position (references only point
     * back, so every input is completed).
     */
    private static final class Done {
        final Graph graph;
        final List<Node> nodes;
        int current;

        Done(Graph graph, List<Node> nodes) {
            this.graph = graph;
            this.nodes = nodes;
        }

        /** The current node's {@code k}-th input reference, in {@link Node#forEachInput} order. */
        Node input(int k) {
            return nodes.get(graph.inputPosition(graph.inputsStart(current) + k));
        }

        int inputCount() {
            return graph.inputsStart(current + 1) - graph.inputsStart(current);
        }
    }

    /** Per node: it has users and every one of them is {@code operator.getitem(node, <int>)}. */
    private static boolean[] indexedOnly(Graph graph) {
        List<Node> nodes = graph.nodes();
        boolean[] used = new boolean[nodes.size()];
        boolean[] otherUse = new boolean[nodes.size()];
        for (int user = 0; user < nodes.size(); user++) {
            int from = graph.inputsStart(user);
            int to = graph.inputsStart(user + 1);
            // An int getitem's source is its first input (positional arguments come first).
            int source = from < to && nodes.get(user).isIntGetitem() ? graph.inputPosition(from) : -1;
            for (int k = from; k < to; k++) {
                int at = graph.inputPosition(k);
                used[at] = true;
                otherUse[at] |= at != source;
            }
        }
        for (int i = 0; i < used.length; i++) {
            used[i] &= !otherUse[i];
        }
        return used;
    }

    private static ValueInfo infer(Node node, Done done, boolean indexedOnly) {
        switch (node.op()) {
            case PLACEHOLDER:
                return placeholder(node.typeExpr());
            case GET_ATTR:
                return ValueInfo.of(ValueKind.TENSOR);
            case OUTPUT:
                return ValueInfo.of(ValueKind.NONE);
            default:
                return call(node, done, indexedOnly);
        }
    }

    private static ValueInfo placeholder(String type) {
        if (type != null && type.contains("SymInt")) {
            return ValueInfo.of(ValueKind.SYMINT);
        }
        if (type != null && type.contains("SymFloat")) {
            return ValueInfo.of(ValueKind.SYMFLOAT);
        }
        if (type != null && type.contains("SymBool")) {
            return ValueInfo.of(ValueKind.SYMBOOL);
        }
        return ValueInfo.of(ValueKind.TENSOR);
    }

    private static ValueInfo call(Node node, Done done, boolean indexedOnly) {
        // The target's aliases are folded once here, not again by a Node.isCallFunction for every candidate.
        String target = node.canonicalTarget();
        String function = node.op() == Op.CALL_FUNCTION ? target : "";
        boolean sizeMethod = node.isCallMethod("size");
        if (sizeMethod && node.args().size() + node.kwargs().size() == 1 || isShapeAttribute(node, function)) {
            return size(firstArgShape(node, done));
        }
        if (sizeMethod || function.equals("torch.ops.aten.sym_size.int") || function.equals("torch.ops.aten.sym_size")) {
            Arg dim = node.args().size() > 1 ? node.args().get(1) : node.kwargs().get("dim");
            return dimension(firstArgShape(node, done), dim);
        }
        if (function.equals("torch.Size")) {
            return size(node.args().isEmpty() ? null : elements(node.args().get(0), done));
        }
        if (SYMINT_FUNCTIONS.contains(function)) {
            return ValueInfo.of(ValueKind.SYMINT);
        }
        if (node.isCallMethod("item") || ITEM_FUNCTIONS.contains(function)) {
            return item(node, done);
        }
        if (function.equals("operator.setitem") || function.equals("operator.delitem")) {
            return ValueInfo.of(ValueKind.NONE); // Python's setitem and delitem return None
        }
        if (function.equals("operator.getitem") && !node.args().isEmpty()) {
            return getitem(node, done, indexedOnly);
        }
        ValueKind concatenated = containerArithmetic(node, function, done);
        if (concatenated != null) {
            return ValueInfo.of(concatenated);
        }
        if (function.equals("torch.sym_sum")) {
            ValueKind sum = symbolicSum(node, done);
            if (sum != null) {
                return ValueInfo.of(sum);
            }
        }
        ValueKind numbers = COMPARISONS.contains(function) || ARITHMETIC.contains(function)
                || function.equals("torch._sym_sqrt") ? symbolicNumbers(node, done) : null;
        if ((COMPARISONS.contains(function) && numbers != null) || function.equals("torch.sym_not")) {
            return ValueInfo.of(ValueKind.SYMBOOL);
        }
        if (ARITHMETIC.contains(function) && numbers != null) {
            return ValueInfo.of(function.equals("operator.truediv") || function.equals("torch.sym_float")
                    ? ValueKind.SYMFLOAT : numbers);
        }
        if (function.equals("torch._sym_sqrt") && numbers != null) {
            return ValueInfo.of(ValueKind.SYMFLOAT);
        }
        if (returnsTuple(node, target)) {
            return ValueInfo.of(ValueKind.TUPLE);
        }
        if (indexedOnly) {
            return ValueInfo.guess(ValueKind.TUPLE);
        }
        return ValueInfo.guess(ValueKind.TENSOR);
    }

    /**
     * A torch.Size value; its dims (those of the tensor it was taken from, or the elements it was built from) are
     * what split_module threads the free symbols of when the Size crosses a cut.
     */
    private static ValueInfo size(List<String> dims) {
        return new ValueInfo(ValueKind.SIZE, dims, null, null, null, false);
    }

    /** Dim {@code index} of a shape: a SymInt, or an int when the dim is static; SymInt of unknown value if unknown. */
    private static ValueInfo dimension(List<String> dims, Arg index) {
        if (dims == null || !(index instanceof Arg.IntLit i) || i.value() < -dims.size() || i.value() >= dims.size()) {
            return ValueInfo.of(ValueKind.SYMINT);
        }
        String dim = dims.get((int) (i.value() < 0 ? i.value() + dims.size() : i.value()));
        return Symbols.isStatic(dim) ? new ValueInfo(ValueKind.INT, null, null, dim.trim(), null, false)
                : ValueInfo.symInt(dim);
    }

    /** The shape of the tensor the node's first argument refers to, when the upload gave it. */
    private static List<String> firstArgShape(Node node, Done done) {
        Node tensor = node.args().get(0) instanceof Arg.Ref ? done.input(0) : null;
        return tensor != null && tensor.kind() == ValueKind.TENSOR ? tensor.value().shape() : null;
    }

    /**
     * {@code torch.Size([1, s27, 192])}: int literals and scalars whose value is known; null otherwise. The list is
     * the node's first argument, so its references are the node's first inputs.
     */
    private static List<String> elements(Arg list, Done done) {
        List<Arg> items = sequenceItems(list);
        if (items == null) {
            return null;
        }
        List<String> dims = new ArrayList<>(items.size());
        int input = 0;
        for (Arg item : items) {
            if (item instanceof Arg.IntLit i) {
                dims.add(Long.toString(i.value()));
            } else if (item instanceof Arg.Ref && done.input(input).value().expr() != null) {
                dims.add(done.input(input++).value().expr());
            } else {
                return null;
            }
        }
        return dims;
    }

    /** Python's slicing of a shape with literal bounds; null when a bound is not a literal. */
    private static List<String> slice(List<String> dims, Arg.Slice slice) {
        Long start = bound(slice.start());
        Long stop = bound(slice.stop());
        Long step = slice.step() instanceof Arg.NoneLit ? Long.valueOf(1) : bound(slice.step());
        if (start == null || stop == null || step == null || step == 0) {
            return null;
        }
        int n = dims.size();
        List<String> result = new ArrayList<>();
        if (step > 0) {
            long from = slice.start() instanceof Arg.NoneLit ? 0 : clamp(start < 0 ? start + n : start, 0, n);
            long to = slice.stop() instanceof Arg.NoneLit ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
            for (long i = from; i < to; i += step) {
                result.add(dims.get((int) i));
            }
        } else {
            long from = slice.start() instanceof Arg.NoneLit ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
            long to = slice.stop() instanceof Arg.NoneLit ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
            for (long i = from; i > to; i += step) {
                result.add(dims.get((int) i));
            }
        }
        return result;
    }

    private static Long bound(Arg arg) {
        return arg instanceof Arg.NoneLit ? Long.valueOf(0) : arg instanceof Arg.IntLit i ? Long.valueOf(i.value()) : null;
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    public static boolean isShapeAttribute(Node node) {
        return isShapeAttribute(node, node.op() == Op.CALL_FUNCTION ? node.canonicalTarget() : "");
    }

    /** {@link #isShapeAttribute(Node)} given the node's canonical target if it calls a function, else "". */
    private static boolean isShapeAttribute(Node node, String function) {
        return function.equals("builtins.getattr") && node.args().size() == 2
                && node.args().get(1) instanceof Arg.Str s && s.value().equals("shape");
    }

    /** {@code x.shape[:-1] + (4, 8)} is a Size: add or mul on a Size, tuple or list makes the same container. */
    private static ValueKind containerArithmetic(Node node, String function, Done done) {
        if (!(function.equals("operator.add") || function.equals("operator.mul")
                || function.equals("operator.iadd") || function.equals("operator.imul"))) {
            return null;
        }
        ValueKind kind = null;
        int input = 0;
        for (Arg a : node.args()) {
            ValueKind k = a instanceof Arg.Ref ? done.input(input).kind()
                    : a instanceof Arg.Tuple ? ValueKind.TUPLE : a instanceof Arg.ListArg ? ValueKind.LIST : null;
            input += Arg.refCount(a);
            if (k == ValueKind.SIZE) {
                return ValueKind.SIZE;
            }
            if (k == ValueKind.TUPLE || k == ValueKind.LIST) {
                kind = k;
            }
        }
        return kind;
    }

    private static ValueInfo getitem(Node node, Done done, boolean indexedOnly) {
        Node source = node.args().get(0) instanceof Arg.Ref ? done.input(0) : null;
        Arg index = node.args().size() > 1 ? node.args().get(1) : Arg.NONE;
        if (source == null) {
            return ValueInfo.guess(ValueKind.TENSOR);
        }
        ValueInfo sourceValue = source.value();
        if (source.kind() == ValueKind.SIZE) {
            List<String> dims = sourceValue.shape();
            return index instanceof Arg.Slice slice ? size(dims == null ? null : slice(dims, slice))
                    : dimension(dims, index);
        }
        if (source.kind() == ValueKind.TUPLE || source.kind() == ValueKind.LIST) {
            if (index instanceof Arg.IntLit i && sourceValue.items() != null) {
                int at = (int) (i.value() < 0 ? sourceValue.items().size() + i.value() : i.value());
                if (at >= 0 && at < sourceValue.items().size()) {
                    return sourceValue.items().get(at);
                }
            }
            if (index instanceof Arg.Slice) {
                return ValueInfo.guess(source.kind());
            }
            // An element that is itself only ever indexed (an LSTM's (h, c)) is a nested tuple.
            return ValueInfo.guess(indexedOnly ? ValueKind.TUPLE : ValueKind.TENSOR);
        }
        // Indexing a tensor (slicing) gives a tensor.
        return ValueInfo.of(ValueKind.TENSOR);
    }

    /**
     * Python's numbers in (every input a symbolic or plain number): the kind arithmetic on them gives (a SymFloat
     * once a float is among them, as in Python, else a SymInt); null when any argument is something else.
     */
    private static ValueKind symbolicNumbers(Node node, Done done) {
        boolean floating = false;
        for (int k = 0; k < done.inputCount(); k++) {
            ValueKind input = done.input(k).kind();
            if (!input.isSymbolicScalar() && input != ValueKind.INT && input != ValueKind.FLOAT) {
                return null;
            }
            floating |= input == ValueKind.SYMFLOAT || input == ValueKind.FLOAT;
        }
        for (Arg a : node.args()) {
            if (!(a instanceof Arg.Ref || a instanceof Arg.IntLit || a instanceof Arg.FloatLit)) {
                return null;
            }
            floating |= a instanceof Arg.FloatLit;
        }
        return done.inputCount() == 0 ? null : floating ? ValueKind.SYMFLOAT : ValueKind.SYMINT;
    }

    /**
     * {@code torch.sym_sum([s27, mod_1])}, Dynamo's sum of many sizes: a SymInt when every element is an int or a
     * SymInt (PyTorch's own rule), a SymFloat when a float is among symbolic numbers; null for anything else (a sum
     * of tensors, or elements of unknown kind), which the general rules then judge.
     */
    private static ValueKind symbolicSum(Node node, Done done) {
        if (node.args().size() != 1 || !node.kwargs().isEmpty() || done.inputCount() == 0) {
            return null;
        }
        Arg list = node.args().get(0);
        List<Arg> items = sequenceItems(list);
        if (items == null) {
            return null;
        }
        boolean floating = false;
        for (Arg item : items) {
            if (item instanceof Arg.FloatLit) {
                floating = true;
            } else if (!(item instanceof Arg.IntLit || item instanceof Arg.Ref)) {
                return null;
            }
        }
        for (int k = 0; k < done.inputCount(); k++) {
            ValueKind element = done.input(k).kind();
            if (element == ValueKind.SYMFLOAT || element == ValueKind.FLOAT) {
                floating = true;
            } else if (element != ValueKind.SYMINT && element != ValueKind.INT) {
                return null;
            }
        }
        return floating ? ValueKind.SYMFLOAT : ValueKind.SYMINT;
    }

    /**
     * {@code x.item()}: the Python number in a one-element tensor, which Dynamo traces as a SymInt, SymFloat or SymBool
     * by the tensor's dtype. Where the upload gave no dtype, a SymFloat, guessed: Dynamo puts {@code .item()} in a
     * graph for the module floats {@code torch.compile(dynamic=True)} passes as tensors, ints only under
     * {@code capture_scalar_outputs}.
     */
    private static ValueInfo item(Node node, Done done) {
        Node tensor = !node.args().isEmpty() && node.args().get(0) instanceof Arg.Ref ? done.input(0) : null;
        String dtype = tensor == null || tensor.kind() != ValueKind.TENSOR ? null : tensor.value().dtype();
        if (dtype != null && dtype.startsWith("torch.")) {
            dtype = dtype.substring("torch.".length());
        }
        if (dtype == null) {
            ValueKind made = tensor == null ? null : numbersMadeBy(tensor, done.graph, ITEM_SOURCE_DEPTH);
            return made != null ? ValueInfo.of(made) : ValueInfo.guess(ValueKind.SYMFLOAT);
        }
        if (dtype.equals("bool")) {
            return ValueInfo.of(ValueKind.SYMBOOL);
        }
        if (dtype.startsWith("int") || dtype.startsWith("uint")) {
            return ValueInfo.of(ValueKind.SYMINT);
        }
        boolean floating = dtype.startsWith("float") || dtype.startsWith("bfloat") || dtype.equals("half")
                || dtype.equals("double");
        return floating ? ValueInfo.of(ValueKind.SYMFLOAT) : ValueInfo.guess(ValueKind.SYMFLOAT);
    }

    /** How far back {@link #numbersMadeBy} follows views and sums to the op that fixed a tensor's dtype. */
    private static final int ITEM_SOURCE_DEPTH = 8;
    /** Ops whose tensor holds bools, whatever their inputs. */
    private static final Set<String> BOOL_MAKERS = Set.of("gt", "lt", "ge", "le", "eq", "ne", "isnan", "isinf",
            "isfinite", "isin", "logical_and", "logical_or", "logical_xor", "logical_not", "bool");
    /** Ops whose tensor holds ints, whatever their inputs. */
    private static final Set<String> INT_MAKERS = Set.of("long", "int", "short", "argmax", "argmin", "argsort",
            "nonzero", "bincount", "count_nonzero", "searchsorted", "bucketize");
    /** Ops that keep their input's dtype. */
    private static final Set<String> DTYPE_KEEPERS = Set.of("getitem", "view", "reshape", "squeeze", "unsqueeze",
            "flatten", "contiguous", "clone", "t", "transpose", "permute", "expand", "select", "narrow", "amax", "amin",
            "abs", "neg", "invert");
    /** Sums: of bools or ints, an int64 tensor. */
    private static final Set<String> SUMS = Set.of("sum", "cumsum", "prod", "cumprod");

    /**
     * What {@code .item()} of {@code tensor} gives, where no dtype was uploaded but the ops that made it fix one: a
     * SymBool of a comparison, a SymInt of an index or count (and of their sums, views and items); null when the ops
     * do not tell.
     */
    private static ValueKind numbersMadeBy(Node tensor, Graph graph, int depth) {
        if (tensor.kwargs().containsKey("dtype")) {
            return null; // a dtype given overrides what the op would make
        }
        String op = tensor.op() == Op.CALL_METHOD ? tensor.target()
                : tensor.op() == Op.CALL_FUNCTION ? opName(tensor.canonicalTarget()) : "";
        if (BOOL_MAKERS.contains(op)) {
            return ValueKind.SYMBOOL;
        }
        if (INT_MAKERS.contains(op)) {
            return ValueKind.SYMINT;
        }
        if (op.equals("tensor") && !tensor.args().isEmpty()) {
            return allInts(tensor.args().get(0)) ? ValueKind.SYMINT : null;
        }
        boolean sum = SUMS.contains(op);
        Node source = (sum || DTYPE_KEEPERS.contains(op)) && depth > 0 && !tensor.args().isEmpty()
                && tensor.args().get(0) instanceof Arg.Ref ref ? graph.node(ref.name()) : null;
        ValueKind from = source == null ? null : numbersMadeBy(source, graph, depth - 1);
        return sum && from == ValueKind.SYMBOOL ? ValueKind.SYMINT : from;
    }

    /** {@code torch.gt}, {@code operator.gt} and {@code torch.ops.aten.gt.Scalar} alike: {@code gt}. */
    private static String opName(String target) {
        if (target.startsWith("torch.ops.aten.")) { // the op, then its overload
            String op = target.substring("torch.ops.aten.".length());
            return op.indexOf('.') < 0 ? op : op.substring(0, op.indexOf('.'));
        }
        return target.substring(target.lastIndexOf('.') + 1);
    }

    /** A literal of ints, nested in lists or tuples as {@code torch.tensor} takes them. */
    private static boolean allInts(Arg arg) {
        List<Arg> items = sequenceItems(arg);
        if (items == null) {
            return arg instanceof Arg.IntLit;
        }
        for (Arg item : items) {
            if (!allInts(item)) {
                return false;
            }
        }
        return !items.isEmpty();
    }

    /** The items of a list or tuple argument; null for any other argument. */
    private static List<Arg> sequenceItems(Arg arg) {
        return arg instanceof Arg.ListArg l ? l.items() : arg instanceof Arg.Tuple t ? t.items() : null;
    }

    private static boolean returnsTuple(Node node, String target) {
        if (node.op() == Op.CALL_METHOD) {
            return TUPLE_METHODS.contains(target) || (TUPLE_METHODS_WITH_DIM.contains(target) && hasDim(node));
        }
        if (node.op() == Op.CALL_FUNCTION && target.startsWith("torch.") && !target.startsWith("torch.ops.")) {
            return endsWithNameIn(target, TUPLE_METHODS)
                    || (endsWithNameIn(target, TUPLE_METHODS_WITH_DIM) && hasDim(node));
        }
        return false;
    }

    /** Whether the last dotted part of {@code target} is one of {@code names}: asked of every torch call, so no substring. */
    private static boolean endsWithNameIn(String target, Set<String> names) {
        int length = target.length() - target.lastIndexOf('.') - 1;
        for (String name : names) {
            if (name.length() == length && target.endsWith(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code max(x, 1)} or {@code max(x, dim=1)}: a reduction over a dim, which returns (values, indices). */
    private static boolean hasDim(Node node) {
        return node.kwargs().containsKey("dim") || (node.args().size() > 1 && node.args().get(1) instanceof Arg.IntLit);
    }
}
