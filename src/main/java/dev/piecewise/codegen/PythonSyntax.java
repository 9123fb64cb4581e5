package dev.piecewise.codegen;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.DtypeCodes;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.PythonOperators;
import dev.piecewise.graph.PythonRepr;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Python source for nodes, arguments and annotations, as torch.fx's code generator writes them. */
final class PythonSyntax {

    private PythonSyntax() {
    }

    /** The right-hand side of a node's assignment; {@code name} renders each referenced value. */
    static String expression(Node node, Function<String, String> name) {
        List<String> args = new ArrayList<>();
        node.args().forEach(a -> args.add(PythonRepr.of(a, name)));
        node.kwargs().forEach((k, v) -> args.add(PythonSafety.requireIdentifier(k) + " = " + PythonRepr.of(v, name)));
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
            if (PythonOperators.BINARY_SYMBOL.containsKey(op) && args.size() == 2) {
                return args.get(0) + " " + PythonOperators.BINARY_SYMBOL.get(op) + " " + args.get(1);
            }
            if (PythonOperators.UNARY_SYMBOL.containsKey(op) && args.size() == 1) {
                return PythonOperators.UNARY_SYMBOL.get(op) + args.get(0);
            }
        }
        if (target.equals("builtins.getattr") && node.args().size() == 2 && node.args().get(1) instanceof Arg.Str attr
                && PythonSafety.isIdentifier(attr.value())) {
            return args.get(0) + "." + attr.value();
        }
        String function = target.startsWith("builtins.") ? target.substring("builtins.".length()) : target;
        return function + "(" + String.join(", ", args) + ")";
    }

    /** print_readable's annotation: {@code "f32[s77, 32]"}, {@code "Sym(s77)"}; null when the value is unknown. */
    static String annotation(ValueInfo value) {
        if (value == null || value.guessed()) {
            return null;
        }
        if (value.kind() == ValueKind.TENSOR && value.shape() != null && value.dtype() != null) {
            // Shapes and dtypes come from the upload: an annotation that could end its string is left out.
            if (!value.shape().stream().allMatch(PythonSafety::isAnnotationText)
                    || !PythonSafety.isIdentifier(DtypeCodes.code(value.dtype()))) {
                return null;
            }
            return "\"" + DtypeCodes.code(value.dtype()) + "[" + String.join(", ", value.shape()) + "]\"";
        }
        if (value.kind().isSymbolicScalar() && value.expr() != null && PythonSafety.isAnnotationText(value.expr())) {
            return "\"Sym(" + value.expr() + ")\"";
        }
        return null;
    }
}
