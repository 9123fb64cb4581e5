package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.PythonOperators;
import dev.piecewise.graph.format.PyExpr.Parser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns the right-hand side of one FX statement into the node it stands for, following how torch/fx/graph.py
 * ({@code emit_node}, {@code _format_target}, {@code _get_repr}) prints each opcode; see src/docs/formats.md.
 */
final class PythonNodes {

    /** Builtins FX calls by their bare name; {@code _get_qualified_name} gives them as {@code builtins.*}. */
    private static final Set<String> BUILTINS = Set.of("getattr", "len", "max", "min", "abs", "int", "float", "bool",
            "isinstance", "range", "sum", "round", "pow", "divmod", "hasattr", "iter", "next", "tuple", "list", "dict",
            "all", "any", "str", "type", "slice", "zip", "map", "sorted", "reversed", "enumerate", "set", "hash", "id");
    /** Names FX adds to every graph's globals (torch/fx/graph.py, {@code _register_custom_builtin}). */
    private static final Set<String> FX_GLOBALS = Set.of("NoneType", "torch", "device", "fx_pytree", "pytree");

    private final Predicate<String> isNode;

    PythonNodes(Predicate<String> isNode) {
        this.isNode = isNode;
    }

    /** The node an assignment's right-hand side makes: FX emits exactly one operation per statement. */
    Node node(String name, PyExpr value) {
        String path = PyExpr.dotted(value);
        if (path != null && path.startsWith("self.")) {
            return node(name, Op.GET_ATTR, path.substring("self.".length()), List.of(), Map.of());
        }
        if (value instanceof PyExpr.Call call) {
            return call(name, call);
        }
        if (value instanceof PyExpr.Attr attr) {
            requireNodeRooted(attr.object(), attr);
            return node(name, Op.CALL_FUNCTION, "builtins.getattr", List.of(arg(attr.object()), new Arg.Str(attr.name())),
                    Map.of());
        }
        if (value instanceof PyExpr.Subscript s) {
            return node(name, Op.CALL_FUNCTION, "operator.getitem", List.of(arg(s.object()), arg(s.index())), Map.of());
        }
        if (value instanceof PyExpr.BinOp b) {
            return node(name, Op.CALL_FUNCTION, "operator." + PythonOperators.BINARY.get(b.op()),
                    List.of(arg(b.left()), arg(b.right())), Map.of());
        }
        if (value instanceof PyExpr.Unary u) {
            return node(name, Op.CALL_FUNCTION, "operator." + PythonOperators.UNARY.get(u.op()), List.of(arg(u.operand())),
                    Map.of());
        }
        throw Parser.error(start(value), "expected a call, attribute, subscript or operator but found "
                + describe(value) + ": FX emits one operation per statement");
    }

    private Node call(String name, PyExpr.Call call) {
        List<Arg> args = new ArrayList<>(call.args().size() + 1);
        Map<String, Arg> kwargs = new LinkedHashMap<>();
        call.kwargs().forEach((k, v) -> kwargs.put(k, arg(v)));
        PyExpr fn = call.function();
        String dotted = PyExpr.dotted(fn);
        if (dotted != null && dotted.startsWith("self.")) {
            call.args().forEach(a -> args.add(arg(a)));
            return node(name, Op.CALL_MODULE, dotted.substring("self.".length()), args, kwargs);
        }
        if (fn instanceof PyExpr.Attr attr && isNodeRooted(attr.object())) {
            args.add(arg(attr.object()));
            call.args().forEach(a -> args.add(arg(a)));
            return node(name, Op.CALL_METHOD, attr.name(), args, kwargs);
        }
        if (fn instanceof PyExpr.Call getattr && "getattr".equals(PyExpr.dotted(getattr.function()))
                && getattr.args().size() == 2 && getattr.args().get(1) instanceof PyExpr.Str method
                && isNodeRooted(getattr.args().get(0))) {
            // _format_target writes a method whose name is no identifier as getattr(x, "name")(...)
            args.add(arg(getattr.args().get(0)));
            call.args().forEach(a -> args.add(arg(a)));
            return node(name, Op.CALL_METHOD, method.value(), args, kwargs);
        }
        if (dotted == null || isNodeRooted(fn)) {
            throw Parser.error(start(call), "cannot tell what is called here: FX calls a dotted function name, "
                    + "a method of a node or a self. submodule");
        }
        call.args().forEach(a -> args.add(arg(a)));
        String target = !dotted.contains(".") && BUILTINS.contains(dotted) ? "builtins." + dotted : dotted;
        return node(name, Op.CALL_FUNCTION, target, args, kwargs);
    }

    private static Node node(String name, Op op, String target, List<Arg> args, Map<String, Arg> kwargs) {
        return new Node(name, op, target, args, kwargs, null, null, null);
    }

    private boolean isNodeRooted(PyExpr e) {
        PyExpr root = e;
        while (root instanceof PyExpr.Attr a) {
            root = a.object();
        }
        return root instanceof PyExpr.Name n && isNode.test(n.id());
    }

    private void requireNodeRooted(PyExpr object, PyExpr at) {
        if (!(object instanceof PyExpr.Name n && isNode.test(n.id()))) {
            throw Parser.error(start(at), "expected an attribute of a node (x.shape) or a self. path but found "
                    + describe(at));
        }
    }

    /** The first token of an expression, where an error about all of it points. */
    private static PyTokens.Token start(PyExpr e) {
        PyExpr first = e;
        while (true) {
            if (first instanceof PyExpr.Attr a) {
                first = a.object();
            } else if (first instanceof PyExpr.Call c) {
                first = c.function();
            } else if (first instanceof PyExpr.Subscript s) {
                first = s.object();
            } else if (first instanceof PyExpr.BinOp b) {
                first = b.left();
            } else {
                return first.at();
            }
        }
    }

    private static String describe(PyExpr e) {
        String text = PyExpr.render(e);
        return "'" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
    }

    /** An argument: a node reference, a literal, a constant FX prints by its repr, or a container of them. */
    Arg arg(PyExpr e) {
        if (e instanceof PyExpr.Name n) {
            return name(n);
        }
        if (e instanceof PyExpr.Num num) {
            return number(num);
        }
        if (e instanceof PyExpr.Str s) {
            return new Arg.Str(s.value());
        }
        if (e instanceof PyExpr.BytesLit b) {
            return new Arg.Repr(b.text());
        }
        if (e instanceof PyExpr.TupleExpr t) {
            return new Arg.Tuple(args(t.items()));
        }
        if (e instanceof PyExpr.ListExpr l) {
            return new Arg.ListArg(args(l.items()));
        }
        if (e instanceof PyExpr.DictExpr d) {
            Map<String, Arg> entries = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                PyExpr key = d.keys().get(i);
                entries.put(key instanceof PyExpr.Str s ? s.value() : PyExpr.render(key), arg(d.values().get(i)));
            }
            return new Arg.Dict(entries);
        }
        if (e instanceof PyExpr.EllipsisExpr) {
            return new Arg.Repr("Ellipsis");
        }
        if (e instanceof PyExpr.Unary u && (u.op().equals("-") || u.op().equals("+"))) {
            Arg operand = arg(u.operand());
            if (u.op().equals("+") && (operand instanceof Arg.IntLit || operand instanceof Arg.FloatLit)) {
                return operand;
            }
            if (operand instanceof Arg.IntLit i) {
                return Arg.IntLit.of(-i.value());
            }
            if (operand instanceof Arg.FloatLit f) {
                return new Arg.FloatLit(f.text().startsWith("-") ? f.text().substring(1) : "-" + f.text());
            }
            if (operand instanceof Arg.Repr r && isNumeric(u.operand())) {
                return new Arg.Repr("-" + r.text()); // a large int or an imaginary number
            }
        }
        if (e instanceof PyExpr.BinOp b && isComplex(b)) {
            return new Arg.Repr("(" + compact(b.left()) + b.op() + compact(b.right()) + ")"); // repr(1+2j)
        }
        if (e instanceof PyExpr.Call c) {
            return constructed(c);
        }
        if (e instanceof PyExpr.Attr a && !isNodeRooted(a) && PyExpr.dotted(a) != null) {
            return new Arg.Repr(PyExpr.dotted(a)); // torch.float32, torch.contiguous_format, torch.ops.aten.mm.default
        }
        throw Parser.error(start(e), "an argument must be a node, a literal, a constant or a container of them, "
                + "but found " + describe(e) + ": FX emits one operation per statement");
    }

    private List<Arg> args(List<PyExpr> items) {
        List<Arg> args = new ArrayList<>(items.size());
        for (PyExpr item : items) {
            args.add(arg(item));
        }
        return args;
    }

    private Arg name(PyExpr.Name n) {
        Arg constant = PythonOperators.constant(n.id());
        if (constant != null) {
            return constant;
        }
        if (isNode.test(n.id())) {
            return new Arg.Ref(n.id());
        }
        if (FX_GLOBALS.contains(n.id())) {
            return new Arg.Repr(n.id());
        }
        throw Parser.error(n.at(), "name '" + n.id() + "' is not defined before this line");
    }

    /**
     * A call inside an argument is a constant FX printed by its repr ({@code device(type='cuda', index=0)},
     * {@code torch.Tensor(size=[2], dtype=float32)}), a {@code slice(...)}, or a NamedTuple
     * ({@code torch.return_types.max((a, b))}), whose items may be nodes.
     */
    private Arg constructed(PyExpr.Call c) {
        String function = PyExpr.dotted(c.function());
        if (function == null || isNodeRooted(c.function())) {
            throw Parser.error(start(c), "a call inside an argument must be a constant such as device(...), but found "
                    + describe(c) + ": FX emits one operation per statement");
        }
        if (function.equals("slice") && c.kwargs().isEmpty() && !c.args().isEmpty() && c.args().size() <= 3) {
            List<Arg> parts = args(c.args());
            return parts.size() == 1 ? new Arg.Slice(Arg.NONE, parts.get(0), Arg.NONE)
                    : new Arg.Slice(parts.get(0), parts.get(1), parts.size() == 3 ? parts.get(2) : Arg.NONE);
        }
        if (!mentionsNode(c)) {
            return new Arg.Repr(PyExpr.render(c));
        }
        if (c.args().size() == 1 && c.kwargs().isEmpty() && c.args().get(0) instanceof PyExpr.TupleExpr items) {
            return arg(items);
        }
        throw Parser.error(start(c), "the constant " + describe(c) + " refers to a node; FX emits one operation per "
                + "statement");
    }

    private boolean mentionsNode(PyExpr e) {
        if (e instanceof PyExpr.Name n) {
            return isNode.test(n.id());
        }
        if (e instanceof PyExpr.Call c) {
            return mentionsNode(c.function()) || c.args().stream().anyMatch(this::mentionsNode)
                    || c.kwargs().values().stream().anyMatch(this::mentionsNode);
        }
        if (e instanceof PyExpr.Attr a) {
            return mentionsNode(a.object());
        }
        if (e instanceof PyExpr.TupleExpr t) {
            return t.items().stream().anyMatch(this::mentionsNode);
        }
        if (e instanceof PyExpr.ListExpr l) {
            return l.items().stream().anyMatch(this::mentionsNode);
        }
        if (e instanceof PyExpr.DictExpr d) {
            return d.values().stream().anyMatch(this::mentionsNode);
        }
        if (e instanceof PyExpr.BinOp b) {
            return mentionsNode(b.left()) || mentionsNode(b.right());
        }
        if (e instanceof PyExpr.Unary u) {
            return mentionsNode(u.operand());
        }
        if (e instanceof PyExpr.Subscript s) {
            return mentionsNode(s.object()) || mentionsNode(s.index());
        }
        return false;
    }

    private static boolean isNumeric(PyExpr e) {
        return e instanceof PyExpr.Num;
    }

    private static boolean isComplex(PyExpr.BinOp b) {
        boolean plusMinus = b.op().equals("+") || b.op().equals("-");
        PyExpr left = b.left() instanceof PyExpr.Unary u && u.op().equals("-") ? u.operand() : b.left();
        return plusMinus && left instanceof PyExpr.Num && b.right() instanceof PyExpr.Num imaginary
                && isImaginary(imaginary.text());
    }

    private static boolean isImaginary(String text) {
        char last = text.charAt(text.length() - 1);
        return last == 'j' || last == 'J';
    }

    private static String compact(PyExpr e) {
        return e instanceof PyExpr.Unary u ? u.op() + compact(u.operand()) : PyExpr.render(e);
    }

    /** Python's int and float literals; an int too large for a long and imaginary numbers are kept as written. */
    private static Arg number(PyExpr.Num num) {
        String text = num.text();
        String t = text.indexOf('_') >= 0 ? text.replace("_", "") : text;
        if (isImaginary(t)) {
            return new Arg.Repr(text);
        }
        boolean digits = !t.isEmpty();
        for (int i = 0; i < t.length() && digits; i++) {
            digits = t.charAt(i) >= '0' && t.charAt(i) <= '9';
        }
        try {
            if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
                int radix = "xX".indexOf(t.charAt(1)) >= 0 ? 16 : "oO".indexOf(t.charAt(1)) >= 0 ? 8 : 2;
                return Arg.IntLit.of(Long.parseLong(t.substring(2), radix));
            }
            if (digits) {
                return t.length() < 19 ? Arg.IntLit.of(Long.parseLong(t)) : bigInt(t);
            }
            Double.parseDouble(t);
            if (t.endsWith("d") || t.endsWith("D") || t.endsWith("f") || t.endsWith("F")) {
                throw new NumberFormatException(t); // Java accepts these suffixes, Python does not
            }
            return new Arg.FloatLit(t);
        } catch (NumberFormatException e) {
            throw Parser.error(num.at(), "malformed number '" + text + "'");
        }
    }

    private static Arg bigInt(String digits) {
        try {
            return Arg.IntLit.of(Long.parseLong(digits));
        } catch (NumberFormatException tooLarge) {
            return new Arg.Repr(digits); // Python ints are unbounded; the value matters to no partitioning rule
        }
    }
}
