package dev.piecewise.codegen;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.PythonRepr;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Python source for nodes, arguments and annotations, as torch.fx's code generator writes them. */
final class PythonSyntax {

    private static final Map<String, String> INFIX = Map.ofEntries(
            Map.entry("add", "+"), Map.entry("sub", "-"), Map.entry("mul", "*"), Map.entry("truediv", "/"),
            Map.entry("floordiv", "//"), Map.entry("mod", "%"), Map.entry("pow", "**"), Map.entry("matmul", "@"),
            Map.entry("and_", "&"), Map.entry("or_", "|"), Map.entry("xor", "^"), Map.entry("lshift", "<<"),
            Map.entry("rshift", ">>"), Map.entry("eq", "=="), Map.entry("ne", "!="), Map.entry("lt", "<"),
            Map.entry("le", "<="), Map.entry("gt", ">"), Map.entry("ge", ">="));
    private static final Map<String, String> PREFIX = Map.of("neg", "-", "pos", "+", "invert", "~", "not_", "not ");
    private static final Map<String, String> DTYPE_CODES = Map.ofEntries(
            Map.entry("float32", "f32"), Map.entry("float64", "f64"), Map.entry("float16", "f16"),
            Map.entry("bfloat16", "bf16"), Map.entry("int64", "i64"), Map.entry("int32", "i32"),
            Map.entry("int16", "i16"), Map.entry("int8", "i8"), Map.entry("uint8", "u8"), Map.entry("bool", "b8"),
            Map.entry("complex64", "c64"), Map.entry("complex128", "c128"));

    private PythonSyntax() {
    }

    /** The right-hand side of a node's assignment; {@code name} renders each referenced value. */
    static String expression(Node node, Function<String, String> name) {
        List<String> args = new ArrayList<>();
        node.args().forEach(a -> args.add(arg(a, name)));
        node.kwargs().forEach((k, v) -> args.add(k + " = " + arg(v, name)));
        String target = node.canonicalTarget();
        if (node.op() == Op.CALL_METHOD) {
            return args.get(0) + "." + target + "(" + String.join(", ", args.subList(1, args.size())) + ")";
        }
        if (node.op() == Op.CALL_MODULE) {
            return "self." + target + "(" + String.join(", ", args) + ")";
        }
        if (node.op() == Op.GET_ATTR) {
            return "self." + target;
        }
        if (target.startsWith("operator.") && node.kwargs().isEmpty()) {
            String op = target.substring("operator.".length());
            if (op.equals("getitem") && args.size() == 2) {
                return args.get(0) + "[" + args.get(1) + "]";
            }
            if (INFIX.containsKey(op) && args.size() == 2) {
                return args.get(0) + " " + INFIX.get(op) + " " + args.get(1);
            }
            if (PREFIX.containsKey(op) && args.size() == 1) {
                return PREFIX.get(op) + args.get(0);
            }
        }
        if (target.equals("builtins.getattr") && node.args().size() == 2 && node.args().get(1) instanceof Arg.Str attr) {
            return args.get(0) + "." + attr.value();
        }
        String function = target.startsWith("builtins.") ? target.substring("builtins.".length()) : target;
        return function + "(" + String.join(", ", args) + ")";
    }

    static String arg(Arg arg, Function<String, String> name) {
        return PythonRepr.of(arg, name);
    }

    /** print_readable's annotation: {@code "f32[s77, 32]"}, {@code "Sym(s77)"}; null when the value is unknown. */
    static String annotation(ValueInfo value) {
        if (value == null || value.guessed()) {
            return null;
        }
        if (value.kind() == ValueKind.TENSOR && value.shape() != null && value.dtype() != null) {
            return "\"" + DTYPE_CODES.getOrDefault(value.dtype(), value.dtype()) + "[" + String.join(", ", value.shape()) + "]\"";
        }
        if (value.kind().isSymbolicScalar() && value.expr() != null) {
            return "\"Sym(" + value.expr() + ")\"";
        }
        return null;
    }
}
