package dev.piecewise.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One node of an FX graph, modelled on {@code torch.fx.Node}: a name, an opcode, a target and argument trees.
 *
 * @param typeExpr the declared type as printed ({@code torch.SymInt}, {@code "f32[s77, 32]"}), null when absent
 * @param value    what is known of the node's value; never null once a graph is built
 * @param source   the {@code # File:} comment FX printed for the node (its Python source); may be null
 */
public record Node(String name, Op op, String target, List<Arg> args, Map<String, Arg> kwargs, String typeExpr,
                   ValueInfo value, String source) {

    public Node {
        args = List.copyOf(args);
        // Most nodes have no kwargs, and rewrites pass on maps this constructor already made: copy neither.
        kwargs = kwargs.isEmpty() ? Map.of() : kwargs.getClass() == UNMODIFIABLE ? kwargs
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    private static final Class<?> UNMODIFIABLE = java.util.Collections.unmodifiableMap(new LinkedHashMap<>()).getClass();

    public ValueKind kind() {
        return value == null ? ValueKind.TENSOR : value.kind();
    }

    /** Visits every referenced node name: positional arguments first, then keyword arguments (split_module's order). */
    public void forEachInput(Consumer<String> action) {
        Arg.forEachRef(args, action);
        if (!kwargs.isEmpty()) {
            for (Arg value : kwargs.values()) {
                Arg.forEachRef(value, action);
            }
        }
    }

    public Node withArgs(List<Arg> newArgs, Map<String, Arg> newKwargs) {
        return new Node(name, op, target, newArgs, newKwargs, typeExpr, value, source);
    }

    public Node withValue(ValueInfo newValue) {
        return new Node(name, op, target, args, kwargs, typeExpr, newValue, source);
    }

    public Node withName(String newName) {
        return new Node(newName, op, target, args, kwargs, typeExpr, value, source);
    }

    public boolean isCallFunction(String fnTarget) {
        return op == Op.CALL_FUNCTION && (target.equals(fnTarget) || hasAlias() && canonicalTarget().equals(fnTarget));
    }

    /** Whether {@link #canonicalTarget()} may differ from the target: the cheap test asked of every node. */
    private boolean hasAlias() {
        return target.startsWith("torch._") || target.contains(".pybind11_detail_");
    }

    /**
     * The target with the aliases exporters print folded: {@code torch.empty_like} may come as
     * {@code torch._VariableFunctionsClass.empty_like} or {@code torch._C._VariableFunctions.empty_like}.
     */
    public String canonicalTarget() {
        if (!hasAlias()) {
            return target;
        }
        for (String alias : BUILTIN_ALIASES) {
            if (target.startsWith(alias)) {
                return "torch." + target.substring(alias.length());
            }
        }
        // pybind11 functions may report a qualified name through an internal record type:
        // torch._C.pybind11_detail_function_record_v1_..._log_api_usage_once is torch._C._log_api_usage_once.
        int pybind = target.indexOf(".pybind11_detail_");
        if (pybind >= 0) {
            int next = target.indexOf('.', pybind + 1);
            return next < 0 ? target : target.substring(0, pybind) + target.substring(next);
        }
        return target;
    }

    private static final List<String> BUILTIN_ALIASES = List.of("torch._VariableFunctionsClass.", "torch._C._VariableFunctions.");

    /** True for {@code operator.getitem(source, index)}. */
    public boolean isGetitemOf(String source) {
        return isCallFunction("operator.getitem") && args.size() == 2 && args.get(0) instanceof Arg.Ref ref
                && ref.name().equals(source);
    }

    /** For {@code operator.getitem(source, i)} with a literal int {@code i}: {@code i}; otherwise null. */
    public Integer intIndexInto(String source) {
        return isGetitemOf(source) && args.get(1) instanceof Arg.IntLit i ? Integer.valueOf((int) i.value()) : null;
    }

    /** True for {@code operator.getitem(node, <int>)}: its source is its first input. */
    public boolean isIntGetitem() {
        return args.size() == 2 && args.get(0) instanceof Arg.Ref && args.get(1) instanceof Arg.IntLit
                && isCallFunction("operator.getitem");
    }

    public boolean isCallMethod(String method) {
        return op == Op.CALL_METHOD && target.equals(method);
    }
}
