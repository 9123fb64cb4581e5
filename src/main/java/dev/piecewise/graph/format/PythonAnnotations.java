package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.DtypeCodes;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The string annotations {@code print_readable()} writes (torch/fx/graph.py, {@code emit_node} with
 * {@code verbose=True}): {@code "f32[s0, 2*s1]"}, with strides and device {@code "f32[s0, 2*s1][2*s1, 1]cuda:0"},
 * tensor subclasses {@code "DTensor(f32[8, 4], S(0))"}, {@code "Sym(s0 + 1)"} for symbolic scalars and tuples of
 * them {@code "(f32[2], i64[])"}. See src/docs/formats.md.
 */
final class PythonAnnotations {

    private PythonAnnotations() {
    }

    /** What an annotation says of a value; null when it is none of the forms above. */
    static ValueInfo value(String annotation) {
        String a = annotation.trim();
        if (a.startsWith("Sym(") && a.endsWith(")")) {
            return symbolic(a.substring(4, a.length() - 1).trim());
        }
        if (a.startsWith("(") && a.endsWith(")")) {
            List<ValueInfo> items = new ArrayList<>();
            for (String item : splitTopLevel(a.substring(1, a.length() - 1))) {
                if (item.isEmpty()) {
                    continue; // "(f32[2],)"
                }
                ValueInfo value = value(item);
                if (value == null) {
                    return null;
                }
                items.add(value);
            }
            return new ValueInfo(ValueKind.TUPLE, null, null, null, items, false);
        }
        return tensor(a);
    }

    private static ValueInfo symbolic(String expr) {
        ValueKind kind = isBoolean(expr) ? ValueKind.SYMBOOL
                : INT_OF_FLOAT.matcher(expr).lookingAt() ? ValueKind.SYMINT
                : expr.indexOf('.') >= 0 || expr.startsWith("ToFloat(") || expr.startsWith("FloatTrueDiv(")
                || mentionsFloatSymbol(expr) ? ValueKind.SYMFLOAT : ValueKind.SYMINT;
        return new ValueInfo(kind, null, null, expr, null, false);
    }

    /**
     * A float symbol in the expression: PyTorch names them {@code zf0} ({@code torch.compile(dynamic=True)}'s module
     * floats) and {@code zuf0} (an unbacked one, of {@code .item()} on a float tensor), ints {@code s0} and {@code u0}.
     */
    private static boolean mentionsFloatSymbol(String expr) {
        for (int i = expr.indexOf('z'); i >= 0; i = expr.indexOf('z', i + 1)) {
            if (i > 0 && Character.isLetterOrDigit(expr.charAt(i - 1))) {
                continue;
            }
            int digits = expr.startsWith("zf", i) ? i + 2 : expr.startsWith("zuf", i) ? i + 3 : -1;
            if (digits > 0 && digits < expr.length() && Character.isDigit(expr.charAt(digits))) {
                return true;
            }
        }
        return false;
    }

    /** sympy's ints of a float, as {@code int(x.item())} gives: {@code TruncToInt(zuf0)}. */
    private static final java.util.regex.Pattern INT_OF_FLOAT =
            java.util.regex.Pattern.compile("(TruncToInt|FloorToInt|CeilToInt|RoundToInt)\\(");

    private static boolean isBoolean(String expr) {
        if (expr.equals("True") || expr.equals("False")) {
            return true;
        }
        for (String relation : new String[]{"Eq(", "Ne(", "Lt(", "Le(", "Gt(", "Ge(", "And(", "Or(", "Not("}) {
            if (expr.startsWith(relation)) {
                return true;
            }
        }
        return false;
    }

    /** {@code f32[s0, 4]...} or a subclass wrapping one, {@code DTensor(f32[8, 4], S(0))}; else null. */
    private static ValueInfo tensor(String a) {
        int i = 0;
        while (i < a.length() && (isLower(a.charAt(i)) || (i > 0 && Character.isDigit(a.charAt(i))))) {
            i++;
        }
        if (i > 0 && i < a.length() && a.charAt(i) == '[') {
            int close = a.indexOf(']', i + 1);
            if (close < 0) {
                return null;
            }
            return new ValueInfo(ValueKind.TENSOR, splitTopLevel(a.substring(i + 1, close)),
                    DtypeCodes.name(a.substring(0, i)), null, null, false);
        }
        int open = a.indexOf('(');
        if (open > 0 && Character.isUpperCase(a.charAt(0)) && a.endsWith(")")) {
            List<String> parts = splitTopLevel(a.substring(open + 1, a.length() - 1));
            return parts.isEmpty() ? null : tensor(parts.get(0));
        }
        return null;
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** Splits at commas outside parentheses and brackets, trimming each part; an empty text has no parts. */
    static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = text.substring(start).trim();
        if (!last.isEmpty() || !parts.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    /**
     * A tuple read at a larger index keeps no list of items, as if none were annotated: its list would run to that
     * index (a {@code t[2000000000]} would make two billion). All the tuples of a graph list at most this many items
     * more than the graph has nodes; those after list none, so that many tuples each read far on cannot make lists
     * out of all proportion to the upload.
     */
    private static final int MAX_LISTED_ITEMS = 1 << 16;

    /**
     * print_readable annotates no tuple, but it annotates each {@code t[i]} taken from it: those are the
     * tuple's items, and their shape symbols are what split_module threads after the tuple.
     */
    static List<Node> tupleItemsFromGetitems(Graph graph) {
        List<Node> nodes = graph.nodes();
        Map<String, TreeMap<Integer, ValueInfo>> items = new HashMap<>();
        Set<String> unlisted = new HashSet<>();
        for (Node node : nodes) {
            if (node.isCallFunction("operator.getitem") && node.args().size() == 2
                    && node.args().get(0) instanceof Arg.Ref ref && node.args().get(1) instanceof Arg.IntLit index
                    && index.value() >= 0 && node.typeExpr() != null) {
                Node tuple = graph.node(ref.name());
                if (tuple.kind() == ValueKind.TUPLE && tuple.value().items() == null) {
                    if (index.value() < MAX_LISTED_ITEMS) {
                        items.computeIfAbsent(ref.name(), k -> new TreeMap<>()).put((int) index.value(), node.value());
                    } else {
                        unlisted.add(ref.name());
                    }
                }
            }
        }
        if (items.isEmpty()) {
            return nodes;
        }
        List<Node> result = new ArrayList<>(nodes.size());
        long itemsLeft = (long) nodes.size() + MAX_LISTED_ITEMS;
        for (Node node : nodes) {
            TreeMap<Integer, ValueInfo> known = items.get(node.name());
            if (known == null || unlisted.contains(node.name()) || known.lastKey() + 1 > itemsLeft) {
                result.add(node);
                continue;
            }
            itemsLeft -= known.lastKey() + 1;
            List<ValueInfo> list = new ArrayList<>();
            for (int i = 0; i <= known.lastKey(); i++) {
                list.add(known.getOrDefault(i, ValueInfo.guess(ValueKind.TENSOR)));
            }
            ValueInfo v = node.value();
            result.add(node.withValue(new ValueInfo(v.kind(), v.shape(), v.dtype(), v.expr(), list, v.guessed())));
        }
        return result;
    }
}
