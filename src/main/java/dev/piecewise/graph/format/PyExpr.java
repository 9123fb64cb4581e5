package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.format.PyTokens.Token;
import dev.piecewise.graph.format.PyTokens.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expressions of the Python subset FX's code generator emits, parsed by precedence climbing. */
sealed interface PyExpr {

    Token at();

    record Name(String id, Token at) implements PyExpr {
    }

    record Attr(PyExpr object, String name, Token at) implements PyExpr {
    }

    record Call(PyExpr function, List<PyExpr> args, Map<String, PyExpr> kwargs, Token at) implements PyExpr {
    }

    record Subscript(PyExpr object, PyExpr index, Token at) implements PyExpr {
    }

    record BinOp(String op, PyExpr left, PyExpr right, Token at) implements PyExpr {
    }

    record Unary(String op, PyExpr operand, Token at) implements PyExpr {
    }

    record Num(String text, Token at) implements PyExpr {
    }

    record Str(String value, Token at) implements PyExpr {
    }

    record TupleExpr(List<PyExpr> items, Token at) implements PyExpr {
    }

    record ListExpr(List<PyExpr> items, Token at) implements PyExpr {
    }

    record DictExpr(List<PyExpr> keys, List<PyExpr> values, Token at) implements PyExpr {
    }

    record EllipsisExpr(Token at) implements PyExpr {
    }

    /** A {@code b'...'} literal, kept as written. */
    record BytesLit(String text, Token at) implements PyExpr {
    }

    /**
     * The dotted name an expression spells ({@code torch.ops.aten.sym_size.int}), or null. FX writes path parts
     * that are not identifiers as {@code getattr(self.layers, "0")}, which spells {@code self.layers.0}.
     */
    static String dotted(PyExpr e) {
        if (e instanceof Name n) {
            return n.id();
        }
        if (e instanceof Call c && c.function() instanceof Name f && f.id().equals("getattr") && c.args().size() == 2
                && c.kwargs().isEmpty() && c.args().get(1) instanceof Str part) {
            String base = dotted(c.args().get(0));
            return base != null && (base.equals("self") || base.startsWith("self.")) ? base + "." + part.value() : null;
        }
        if (e instanceof Attr a) {
            String base = dotted(a.object());
            return base == null ? null : base + "." + a.name();
        }
        return null;
    }

    /** Python source for an expression, for values kept by their repr ({@code device(type='cpu')}). */
    static String render(PyExpr e) {
        StringBuilder sb = new StringBuilder();
        render(e, sb);
        return sb.toString();
    }

    private static void render(PyExpr e, StringBuilder sb) {
        if (e instanceof Name n) {
            sb.append(n.id());
        } else if (e instanceof Attr a) {
            render(a.object(), sb);
            sb.append('.').append(a.name());
        } else if (e instanceof Num n) {
            sb.append(n.text());
        } else if (e instanceof BytesLit b) {
            sb.append(b.text());
        } else if (e instanceof Str s) {
            sb.append('\'').append(s.value().replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")).append('\'');
        } else if (e instanceof Call c) {
            render(c.function(), sb);
            sb.append('(');
            String separator = "";
            for (PyExpr a : c.args()) {
                sb.append(separator);
                render(a, sb);
                separator = ", ";
            }
            for (Map.Entry<String, PyExpr> kw : c.kwargs().entrySet()) {
                sb.append(separator).append(kw.getKey()).append('=');
                render(kw.getValue(), sb);
                separator = ", ";
            }
            sb.append(')');
        } else if (e instanceof Subscript s) {
            render(s.object(), sb);
            sb.append('[');
            render(s.index(), sb);
            sb.append(']');
        } else if (e instanceof BinOp b) {
            sb.append('(');
            render(b.left(), sb);
            sb.append(b.op().equals("**") ? "**" : " " + b.op() + " ");
            render(b.right(), sb);
            sb.append(')');
        } else if (e instanceof Unary u) {
            sb.append(u.op()).append(u.op().equals("not") ? " " : "");
            render(u.operand(), sb);
        } else if (e instanceof TupleExpr t) {
            sb.append('(');
            items(t.items(), sb);
            sb.append(t.items().size() == 1 ? ",)" : ")");
        } else if (e instanceof ListExpr l) {
            sb.append('[');
            items(l.items(), sb);
            sb.append(']');
        } else if (e instanceof DictExpr d) {
            sb.append('{');
            for (int i = 0; i < d.keys().size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                render(d.keys().get(i), sb);
                sb.append(": ");
                render(d.values().get(i), sb);
            }
            sb.append('}');
        } else if (e instanceof EllipsisExpr) {
            sb.append("...");
        }
    }

    private static void items(List<PyExpr> items, StringBuilder sb) {
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ");
            render(items.get(i), sb);
        }
    }

    /** A cursor over one logical line's tokens. */
    final class Parser {
        private final List<Token> tokens;
        private final ParseLimits limits;
        private int pos;
        private int depth;

        Parser(List<Token> tokens, ParseLimits limits) {
            this.tokens = tokens;
            this.limits = limits;
        }

        Token peek() {
            return tokens.get(pos);
        }

        Token next() {
            return tokens.get(pos++);
        }

        boolean accept(String op) {
            if (peek().is(op) && peek().type() != Type.STRING) {
                pos++;
                return true;
            }
            return false;
        }

        Token expect(String op) {
            Token t = peek();
            if (!accept(op)) {
                throw error(t, "expected '" + op + "' but found " + describe(t));
            }
            return t;
        }

        static GraphParseException error(Token t, String message) {
            return new GraphParseException(message, t.line(), t.column());
        }

        static String describe(Token t) {
            return t.type() == Type.END ? "the end of the line (truncated?)" : "'" + t.text() + "'";
        }

        boolean atEnd() {
            return peek().type() == Type.END;
        }

        PyExpr expression() {
            return binary(0);
        }

        private static int precedence(Token t) {
            if (t.type() != Type.OP && !(t.type() == Type.NAME && (t.text().equals("in") || t.text().equals("is")))) {
                return -1;
            }
            switch (t.text()) {
                case "==": case "!=": case "<": case "<=": case ">": case ">=":
                    return 1;
                case "|":
                    return 2;
                case "^":
                    return 3;
                case "&":
                    return 4;
                case "<<": case ">>":
                    return 5;
                case "+": case "-":
                    return 6;
                case "*": case "/": case "//": case "%": case "@":
                    return 7;
                default:
                    return -1;
            }
        }

        /** Each operator of a chain nests the tree one level deeper ({@code a + b + c}), so it counts as one. */
        private PyExpr binary(int minPrecedence) {
            PyExpr left = unary();
            int levels = 0;
            try {
                while (true) {
                    Token op = peek();
                    int p = precedence(op);
                    if (p < 0 || p < minPrecedence) {
                        return left;
                    }
                    next();
                    levels++;
                    deeper(op);
                    PyExpr right = binary(p + 1);
                    left = new BinOp(op.text(), left, right, op);
                }
            } finally {
                depth -= levels;
            }
        }

        /** One level more for the chain being read; its caller gives all of them back when the chain ends. */
        private void deeper(Token at) {
            depth++;
            if (depth > limits.maxNestingDepth()) {
                throw limits.tooDeep(at.line(), at.column());
            }
        }

        /** Every nested expression passes through here, so the nesting cap is checked before recursing deeper. */
        private PyExpr unary() {
            Token t = peek();
            if (++depth > limits.maxNestingDepth()) {
                throw limits.tooDeep(t.line(), t.column());
            }
            try {
                return unaryOrPower(t);
            } finally {
                depth--;
            }
        }

        private PyExpr unaryOrPower(Token t) {
            if (t.type() == Type.OP && (t.text().equals("-") || t.text().equals("+") || t.text().equals("~"))) {
                next();
                return new Unary(t.text(), unary(), t);
            }
            if (t.type() == Type.NAME && t.text().equals("not")) {
                next();
                return new Unary("not", unary(), t);
            }
            return power();
        }

        private PyExpr power() {
            PyExpr base = postfix();
            Token t = peek();
            if (t.type() == Type.OP && t.text().equals("**")) {
                next();
                return new BinOp("**", base, unary(), t);
            }
            return base;
        }

        /** Like an operator chain, each {@code .a}, {@code (...)} or {@code [i]} nests the tree one level deeper. */
        private PyExpr postfix() {
            PyExpr e = atom();
            int levels = 0;
            try {
                while (true) {
                    Token t = peek();
                    if (t.type() != Type.OP || !(t.text().equals(".") || t.text().equals("(") || t.text().equals("["))) {
                        return e;
                    }
                    next();
                    levels++;
                    deeper(t);
                    if (t.text().equals(".")) {
                        Token name = next();
                        if (name.type() != Type.NAME) {
                            throw error(name, "expected an attribute name after '.' but found " + describe(name));
                        }
                        e = new Attr(e, name.text(), name);
                    } else if (t.text().equals("(")) {
                        e = call(e, t);
                    } else {
                        PyExpr index = tupleOrExpression("]");
                        expect("]");
                        e = new Subscript(e, index, t);
                    }
                }
            } finally {
                depth -= levels;
            }
        }

        private PyExpr call(PyExpr function, Token at) {
            List<PyExpr> args = new ArrayList<>();
            Map<String, PyExpr> kwargs = new LinkedHashMap<>();
            while (!accept(")")) {
                Token t = peek();
                if (t.type() == Type.NAME && tokens.get(pos + 1).is("=") && tokens.get(pos + 1).type() == Type.OP) {
                    next();
                    next();
                    kwargs.put(t.text(), expression());
                } else {
                    if (!kwargs.isEmpty()) {
                        throw error(t, "positional argument after keyword arguments");
                    }
                    args.add(expression());
                }
                if (!accept(",")) {
                    expect(")");
                    break;
                }
            }
            return new Call(function, args, kwargs, at);
        }

        /** A subscript may hold a bare tuple: {@code x[0, 1]}. */
        private PyExpr tupleOrExpression(String close) {
            Token start = peek();
            PyExpr first = expression();
            if (!peek().is(",")) {
                return first;
            }
            List<PyExpr> items = new ArrayList<>(List.of(first));
            while (accept(",") && !peek().is(close)) {
                items.add(expression());
            }
            return new TupleExpr(items, start);
        }

        private PyExpr atom() {
            Token t = next();
            switch (t.type()) {
                case NAME:
                    return new Name(t.text(), t);
                case NUMBER:
                    return new Num(t.text(), t);
                case STRING:
                    return new Str(t.text(), t);
                case IMAGINARY:
                    return new Num(t.text(), t);
                case BYTES:
                    return new BytesLit(t.text(), t);
                case END:
                    throw error(t, "expected an expression but the line ends (truncated?)");
                default:
                    break;
            }
            switch (t.text()) {
                case "(": {
                    if (accept(")")) {
                        return new TupleExpr(List.of(), t);
                    }
                    PyExpr first = expression();
                    if (accept(")")) {
                        return first;
                    }
                    List<PyExpr> items = new ArrayList<>(List.of(first));
                    while (accept(",")) {
                        if (peek().is(")")) {
                            break;
                        }
                        items.add(expression());
                    }
                    expect(")");
                    return new TupleExpr(items, t);
                }
                case "[": {
                    List<PyExpr> items = new ArrayList<>();
                    while (!accept("]")) {
                        items.add(expression());
                        if (!accept(",")) {
                            expect("]");
                            break;
                        }
                    }
                    return new ListExpr(items, t);
                }
                case "{": {
                    List<PyExpr> keys = new ArrayList<>();
                    List<PyExpr> values = new ArrayList<>();
                    while (!accept("}")) {
                        keys.add(expression());
                        expect(":");
                        values.add(expression());
                        if (!accept(",")) {
                            expect("}");
                            break;
                        }
                    }
                    return new DictExpr(keys, values, t);
                }
                case "...":
                    return new EllipsisExpr(t);
                default:
                    throw error(t, "expected an expression but found " + describe(t));
            }
        }
    }
}
