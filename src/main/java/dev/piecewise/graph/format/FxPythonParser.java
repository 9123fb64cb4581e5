package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.DtypeCodes;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.PythonOperators;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.PyExpr.Parser;
import dev.piecewise.graph.format.PyTokens.Token;
import dev.piecewise.graph.format.PyTokens.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the Python FX's code generator writes ({@code gm.print_readable()}, {@code gm.code}): one
 * {@code def forward}, optionally inside {@code class GraphModule}, one assignment per node. Annotations such as
 * {@code "f32[s77, 32]"} and {@code "Sym(s77)"} give kinds, dtypes and shapes.
 */
public final class FxPythonParser implements GraphParser {

    private static final Set<String> BUILTINS = Set.of("getattr", "len", "max", "min", "abs", "int", "float", "bool",
            "isinstance", "range", "sum", "round", "pow", "divmod", "hasattr", "iter", "next", "tuple", "list", "dict");

    @Override
    public Graph parse(String text, String name) {
        return parse(SourceLine.of(text), name);
    }

    /** Parses the first {@code def forward} in {@code lines}. */
    Graph parse(List<SourceLine> lines, String name) {
        return parseForward(lines, findForward(lines, 0), name);
    }

    /** Parses the {@code def forward} on line index {@code def} of {@code lines}. */
    static Graph parseForward(List<SourceLine> lines, int def, String name) {
        return new Body(lines, def, name).parse();
    }

    /**
     * Reads an upload: the graph at {@code graphIndex} of a TORCH_LOGS excerpt (0 for a plain file), inlined
     * when it is an already split module such as vLLM's computation_graph.py.
     */
    static ParsedUpload read(String text, String name, int graphIndex) {
        List<List<SourceLine>> graphs = PythonSource.graphs(text);
        if (graphIndex < 0 || graphIndex >= graphs.size()) {
            throw new GraphIndexOutOfRangeException("graphIndex " + graphIndex + " is out of range: the upload holds "
                    + graphs.size() + " graph" + (graphs.size() == 1 ? "" : "s") + " (0 to " + (graphs.size() - 1) + ")");
        }
        List<SourceLine> lines = graphs.get(graphIndex);
        if (SplitModuleReader.isSplitModule(lines)) {
            SplitModuleReader.Inlined inlined = SplitModuleReader.read(lines, name);
            return new ParsedUpload(GraphFormat.FX_PYTHON, inlined.graph(), graphs.size(), graphIndex, inlined.view());
        }
        return new ParsedUpload(GraphFormat.FX_PYTHON, parseForward(lines, findForward(lines, 0), name), graphs.size(),
                graphIndex, null);
    }

    static int findForward(List<SourceLine> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).text().trim().startsWith("def forward(")) {
                return i;
            }
        }
        SourceLine first = lines.isEmpty() ? new SourceLine("", 1, 0) : lines.get(0);
        throw new GraphParseException("no 'def forward(' found in the fx-python upload", first.line(), first.columnOffset() + 1);
    }

    static int indentation(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** One forward body: its parameters, then one statement per node. */
    private static final class Body {
        private final List<SourceLine> lines;
        private final int defLine;
        private final Graph.Builder builder;
        private final List<Node> pendingPlaceholders = new ArrayList<>();
        private final Map<String, Integer> placeholderIndex = new LinkedHashMap<>();
        private boolean placeholdersAdded;
        private boolean carriesShapes;
        private String source;
        private int next;
        private SourceLine lastLine;

        Body(List<SourceLine> lines, int defLine, String name) {
            this.lines = lines;
            this.defLine = defLine;
            this.builder = new Graph.Builder(name, false);
        }

        Graph parse() {
            int defIndent = indentation(lines.get(defLine).text());
            next = defLine;
            List<SourceLine> header = logicalLine();
            parameters(PyTokens.tokenize(header));
            Node output = null;
            while (next < lines.size() && output == null) {
                SourceLine line = lines.get(next);
                String trimmed = line.text().trim();
                if (trimmed.isEmpty()) {
                    next++;
                    continue;
                }
                if (indentation(line.text()) <= defIndent) {
                    break;
                }
                if (trimmed.startsWith("#")) {
                    source = trimmed.startsWith("# File: ") ? trimmed.substring("# File: ".length()) : null;
                    next++;
                    continue;
                }
                List<SourceLine> statement = logicalLine();
                lastLine = statement.get(statement.size() - 1);
                output = statement(PyTokens.tokenize(statement));
            }
            if (output == null) {
                SourceLine at = lastLine != null ? lastLine : lines.get(defLine);
                throw new GraphParseException("forward() has no return statement", at.line(), at.columnOffset() + 1);
            }
            SourceLine end = lastLine;
            Graph graph = builder.build(end.line(), 1);
            return Graph.trusted(graph.name(), tupleItemsFromGetitems(KindInference.complete(graph.nodes())), carriesShapes);
        }

        /**
         * print_readable annotates no tuple, but it annotates each {@code t[i]} taken from it: those are the
         * tuple's items, and their shape symbols are what split_module threads after the tuple.
         */
        private static List<Node> tupleItemsFromGetitems(List<Node> nodes) {
            Map<String, Map<Integer, ValueInfo>> items = new java.util.HashMap<>();
            Map<String, Node> byName = new java.util.HashMap<>();
            for (Node node : nodes) {
                byName.put(node.name(), node);
                if (node.isCallFunction("operator.getitem") && node.args().size() == 2
                        && node.args().get(0) instanceof Arg.Ref ref && node.args().get(1) instanceof Arg.IntLit index
                        && index.value() >= 0 && node.typeExpr() != null) {
                    Node tuple = byName.get(ref.name());
                    if (tuple.kind() == ValueKind.TUPLE && tuple.value().items() == null) {
                        items.computeIfAbsent(ref.name(), k -> new java.util.TreeMap<>()).put((int) index.value(), node.value());
                    }
                }
            }
            if (items.isEmpty()) {
                return nodes;
            }
            List<Node> result = new ArrayList<>(nodes.size());
            for (Node node : nodes) {
                Map<Integer, ValueInfo> known = items.get(node.name());
                if (known == null) {
                    result.add(node);
                    continue;
                }
                int size = ((java.util.TreeMap<Integer, ValueInfo>) known).lastKey() + 1;
                List<ValueInfo> list = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    list.add(known.getOrDefault(i, ValueInfo.guess(ValueKind.TENSOR)));
                }
                ValueInfo v = node.value();
                result.add(node.withValue(new ValueInfo(v.kind(), v.shape(), v.dtype(), v.expr(), list, v.guessed())));
            }
            return result;
        }

        /** Physical lines up to where brackets balance (FX wraps nothing, but long signatures may be wrapped). */
        private List<SourceLine> logicalLine() {
            List<SourceLine> result = new ArrayList<>();
            int depth = 0;
            do {
                SourceLine line = lines.get(next++);
                result.add(line);
                depth += bracketBalance(line.text());
            } while (depth > 0 && next < lines.size());
            return result;
        }

        private static int bracketBalance(String s) {
            int depth = 0;
            char quote = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quote != 0) {
                    if (c == '\\') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '#') {
                    break;
                } else if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                }
            }
            return depth;
        }

        private void parameters(List<Token> tokens) {
            Parser p = new Parser(tokens);
            p.expect("def");
            p.expect("forward");
            p.expect("(");
            while (!p.accept(")")) {
                Token name = p.next();
                if (name.type() != Type.NAME) {
                    throw Parser.error(name, "expected a parameter name but found " + Parser.describe(name));
                }
                String type = null;
                ValueInfo value = null;
                if (p.accept(":")) {
                    PyExpr annotation = p.expression();
                    if (annotation instanceof PyExpr.Str s) {
                        value = annotationValue(s.value());
                        type = s.value();
                    } else {
                        type = PyExpr.render(annotation);
                    }
                }
                if (p.accept("=")) {
                    p.expression(); // a default value does not affect partitioning
                }
                if (!name.text().equals("self")) {
                    placeholderIndex.put(name.text(), pendingPlaceholders.size());
                    pendingPlaceholders.add(new Node(name.text(), Op.PLACEHOLDER, name.text(), List.of(), Map.of(),
                            type, value, null));
                }
                if (!p.accept(",")) {
                    p.expect(")");
                    break;
                }
            }
        }

        /** {@code "f32[s77, 32][32, 1]cpu"}, {@code "Sym(s77 + 1)"}; null for anything else. */
        private ValueInfo annotationValue(String annotation) {
            String a = annotation.trim();
            if (a.startsWith("Sym(") && a.endsWith(")")) {
                String expr = a.substring(4, a.length() - 1).trim();
                carriesShapes = true;
                boolean bool = expr.equals("True") || expr.equals("False") || expr.matches("(Eq|Ne|Lt|Le|Gt|Ge|And|Or|Not)\\(.*");
                return new ValueInfo(bool ? ValueKind.SYMBOOL : ValueKind.SYMINT, null, null, expr, null, false);
            }
            int open = a.indexOf('[');
            int close = a.indexOf(']', open + 1);
            if (open <= 0 || close < 0 || !a.substring(0, open).matches("[a-z]+[0-9a-z]*")) {
                return null;
            }
            List<String> dims = new ArrayList<>();
            String inside = a.substring(open + 1, close).trim();
            int depth = 0;
            int start = 0;
            for (int i = 0; i < inside.length(); i++) {
                char c = inside.charAt(i);
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (c == ',' && depth == 0) {
                    dims.add(inside.substring(start, i).trim());
                    start = i + 1;
                }
            }
            if (!inside.isEmpty()) {
                dims.add(inside.substring(start).trim());
            }
            carriesShapes = true;
            return new ValueInfo(ValueKind.TENSOR, dims, DtypeCodes.name(a.substring(0, open)),
                    null, null, false);
        }

        private void addPlaceholders() {
            if (!placeholdersAdded) {
                placeholdersAdded = true;
                SourceLine def = lines.get(defLine);
                for (Node placeholder : pendingPlaceholders) {
                    builder.add(placeholder, def.line(), def.columnOffset() + 1);
                }
            }
        }

        /** Returns the output node for a return statement, else null. */
        private Node statement(List<Token> tokens) {
            List<List<Token>> segments = segments(tokens);
            tokens = segments.get(0);
            if (segments.size() > 1 && tokens.size() > 2 && tokens.get(1).type() == Type.OP
                    && PythonOperators.AUGMENTED.containsKey(tokens.get(1).text())) {
                return augmentedAssignment(tokens, segments.get(1));
            }
            Parser p = new Parser(tokens);
            Token start = p.peek();
            if (start.is("return") && start.type() == Type.NAME) {
                p.next();
                addPlaceholders();
                Arg result = p.atEnd() ? Arg.NONE : arg(p.expression());
                expectEnd(p);
                Node output = new Node(FxNamespace.of(builder.nodes()).create("output"), Op.OUTPUT, "output",
                        List.of(result), Map.of(), null, ValueInfo.of(ValueKind.NONE), null);
                builder.add(output, start.line(), start.column());
                return output;
            }
            if (start.type() != Type.NAME) {
                throw Parser.error(start, "expected an assignment 'name = ...' or 'return ...' but found "
                        + Parser.describe(start));
            }
            p.next();
            String annotation = null;
            if (p.accept(":")) {
                Token t = p.next();
                if (t.type() != Type.STRING) {
                    throw Parser.error(t, "expected a quoted annotation such as \"f32[s77, 32]\"");
                }
                annotation = t.text();
            }
            p.expect("=");
            PyExpr value = p.expression();
            expectEnd(p);
            if (annotation == null && value instanceof PyExpr.Name alias && placeholderIndex.containsKey(alias.id())
                    && !placeholdersAdded) {
                int index = placeholderIndex.get(alias.id());
                Node placeholder = pendingPlaceholders.get(index);
                pendingPlaceholders.set(index, placeholder.withName(start.text()));
                return null;
            }
            addPlaceholders();
            Node node = node(start.text(), value);
            ValueInfo info = annotation == null ? null : annotationValue(annotation);
            builder.add(new Node(node.name(), node.op(), node.target(), node.args(), node.kwargs(), annotation, info, source),
                    start.line(), start.column());
            return null;
        }

        /** The statement's parts between top-level ';' (FX appends clean-ups such as {@code a = b = None}). */
        private static List<List<Token>> segments(List<Token> tokens) {
            List<List<Token>> segments = new ArrayList<>();
            List<Token> current = new ArrayList<>();
            for (Token t : tokens) {
                if ((t.type() == Type.OP && t.text().equals(";")) || t.type() == Type.END) {
                    current.add(new Token(Type.END, "", t.line(), t.column()));
                    segments.add(current);
                    current = new ArrayList<>();
                } else {
                    current.add(t);
                }
            }
            return segments;
        }

        /**
         * FX prints an in-place operator as {@code a += b;  iadd: "f32[..]" = a}: the node is named by the second
         * assignment and computes {@code operator.iadd(a, b)}.
         */
        private Node augmentedAssignment(List<Token> operation, List<Token> naming) {
            Parser op = new Parser(operation);
            PyExpr target = new PyExpr.Name(op.next().text(), operation.get(0));
            Token operator = op.next();
            PyExpr operand = op.expression();
            expectEnd(op);
            Parser p = new Parser(naming);
            Token name = p.next();
            if (name.type() != Type.NAME) {
                throw Parser.error(name, "expected the name of the in-place result after ';'");
            }
            String annotation = null;
            if (p.accept(":")) {
                Token t = p.next();
                annotation = t.text();
            }
            p.expect("=");
            p.expression();
            addPlaceholders();
            Node node = new Node(name.text(), Op.CALL_FUNCTION, "operator." + PythonOperators.AUGMENTED.get(operator.text()),
                    List.of(arg(target), arg(operand)), Map.of(), annotation,
                    annotation == null ? null : annotationValue(annotation), source);
            builder.add(node, name.line(), name.column());
            return null;
        }

        private static void expectEnd(Parser p) {
            if (!p.atEnd()) {
                throw Parser.error(p.peek(), "unexpected " + Parser.describe(p.peek()) + " after the expression");
            }
        }

        private boolean isNode(PyExpr e) {
            return e instanceof PyExpr.Name n && builder.isDefined(n.id());
        }

        /** The node an assignment's right-hand side makes: FX emits exactly one operation per line. */
        private Node node(String name, PyExpr value) {
            if (value instanceof PyExpr.Call call) {
                List<Arg> args = new ArrayList<>();
                Map<String, Arg> kwargs = new LinkedHashMap<>();
                call.kwargs().forEach((k, v) -> kwargs.put(k, arg(v)));
                PyExpr fn = call.function();
                String dotted = PyExpr.dotted(fn);
                if (dotted != null && dotted.startsWith("self.")) {
                    call.args().forEach(a -> args.add(arg(a)));
                    return new Node(name, Op.CALL_MODULE, dotted.substring("self.".length()), args, kwargs, null, null, null);
                }
                if (fn instanceof PyExpr.Attr attr && !(dotted != null && !isNode(root(fn)))) {
                    args.add(arg(attr.object()));
                    call.args().forEach(a -> args.add(arg(a)));
                    return new Node(name, Op.CALL_METHOD, attr.name(), args, kwargs, null, null, null);
                }
                if (dotted == null) {
                    throw Parser.error(call.at(), "cannot tell what is called here");
                }
                call.args().forEach(a -> args.add(arg(a)));
                String target = !dotted.contains(".") && BUILTINS.contains(dotted) ? "builtins." + dotted : dotted;
                return new Node(name, Op.CALL_FUNCTION, target, args, kwargs, null, null, null);
            }
            if (value instanceof PyExpr.Attr attr) {
                String dotted = PyExpr.dotted(attr);
                if (dotted != null && dotted.startsWith("self.")) {
                    return new Node(name, Op.GET_ATTR, dotted.substring("self.".length()), List.of(), Map.of(), null, null, null);
                }
                return new Node(name, Op.CALL_FUNCTION, "builtins.getattr",
                        List.of(arg(attr.object()), new Arg.Str(attr.name())), Map.of(), null, null, null);
            }
            if (value instanceof PyExpr.Subscript s) {
                return new Node(name, Op.CALL_FUNCTION, "operator.getitem", List.of(arg(s.object()), arg(s.index())),
                        Map.of(), null, null, null);
            }
            if (value instanceof PyExpr.BinOp b) {
                return new Node(name, Op.CALL_FUNCTION, "operator." + PythonOperators.BINARY.get(b.op()), List.of(arg(b.left()),
                        arg(b.right())), Map.of(), null, null, null);
            }
            if (value instanceof PyExpr.Unary u) {
                return new Node(name, Op.CALL_FUNCTION, "operator." + PythonOperators.UNARY.get(u.op()), List.of(arg(u.operand())),
                        Map.of(), null, null, null);
            }
            throw Parser.error(value.at(), "expected a call, attribute, subscript or operator: FX emits one "
                    + "operation per line");
        }

        private static PyExpr root(PyExpr e) {
            return e instanceof PyExpr.Attr a ? root(a.object()) : e;
        }

        /** An argument: a node reference, a literal or a container of them. */
        private Arg arg(PyExpr e) {
            if (e instanceof PyExpr.Name n) {
                Arg constant = PythonOperators.constant(n.id());
                if (constant != null) {
                    return constant;
                }
                if (builder.isDefined(n.id())) {
                    return new Arg.Ref(n.id());
                }
                throw Parser.error(n.at(), "name '" + n.id() + "' is not defined before this line");
            }
            if (e instanceof PyExpr.Num num) {
                return number(num.text(), num.at());
            }
            if (e instanceof PyExpr.Str s) {
                return new Arg.Str(s.value());
            }
            if (e instanceof PyExpr.TupleExpr t) {
                return new Arg.Tuple(t.items().stream().map(this::arg).toList());
            }
            if (e instanceof PyExpr.ListExpr l) {
                return new Arg.ListArg(l.items().stream().map(this::arg).toList());
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
            if (e instanceof PyExpr.Unary u && u.op().equals("-")) {
                Arg operand = arg(u.operand());
                if (operand instanceof Arg.IntLit i) {
                    return new Arg.IntLit(-i.value());
                }
                if (operand instanceof Arg.FloatLit f) {
                    return new Arg.FloatLit(f.text().startsWith("-") ? f.text().substring(1) : "-" + f.text());
                }
            }
            if (e instanceof PyExpr.Call c && "slice".equals(PyExpr.dotted(c.function())) && c.kwargs().isEmpty()
                    && !c.args().isEmpty() && c.args().size() <= 3) {
                List<Arg> parts = c.args().stream().map(this::arg).toList();
                return parts.size() == 1 ? new Arg.Slice(Arg.NONE, parts.get(0), Arg.NONE)
                        : new Arg.Slice(parts.get(0), parts.get(1), parts.size() == 3 ? parts.get(2) : Arg.NONE);
            }
            if (e instanceof PyExpr.Call c && PyExpr.dotted(c.function()) != null && !isNode(root(c.function()))) {
                return new Arg.Repr(PyExpr.render(c)); // device(type='cpu') and other constructors
            }
            if (e instanceof PyExpr.Attr a && PyExpr.dotted(a) != null && !isNode(root(a))) {
                return new Arg.Repr(PyExpr.dotted(a)); // torch.float32, torch.contiguous_format
            }
            throw Parser.error(e.at(), "arguments must be names, literals or containers: FX emits one operation per line");
        }

        private static Arg number(String text, Token at) {
            String t = text.replace("_", "");
            try {
                if (t.startsWith("0x") || t.startsWith("0X")) {
                    return new Arg.IntLit(Long.parseLong(t.substring(2), 16));
                }
                if (t.matches("\\d+")) {
                    return new Arg.IntLit(Long.parseLong(t));
                }
                Double.parseDouble(t);
                return new Arg.FloatLit(t);
            } catch (NumberFormatException e) {
                throw Parser.error(at, "malformed number '" + text + "'");
            }
        }
    }
}
