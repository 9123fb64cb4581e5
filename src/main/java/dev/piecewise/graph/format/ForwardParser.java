package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements of one {@code def forward} as FX's code generator writes them (torch/fx/graph.py,
 * {@code _gen_python_code}): the signature's placeholders, {@code name = Target} aliases for placeholders whose
 * node name differs, one statement per node, in-place operators and {@code operator.setitem} written as a
 * statement followed by {@code ;  name = target}, {@code ;  a = b = None} clean-ups, {@code # File:} comments,
 * and the {@code return}. Nested classes after the body (print_readable's submodules) end it. See
 * src/docs/formats.md.
 */
final class ForwardParser {

    /** Python statements FX never writes inside forward, named in the error instead of a generic complaint. */
    private static final Set<String> FOREIGN_STATEMENTS = Set.of("if", "elif", "else", "for", "while", "with", "try",
            "except", "finally", "def", "class", "import", "from", "lambda", "assert", "raise", "del", "global",
            "nonlocal", "yield", "async", "await", "pass", "break", "continue");

    /** A parsed forward: its graph and, when asked for, where each node was written. */
    record Forward(Graph graph, Map<String, long[]> positions) {
        /** The 1-based line and column of a node's statement, or of the signature for placeholders. */
        long[] position(String node) {
            return positions.getOrDefault(node, positions.get(""));
        }
    }

    private final List<SourceLine> lines;
    private final int defLine;
    private final ParseLimits limits;
    private final Graph.Builder builder;
    private final PythonNodes nodes;
    private final List<Node> pendingPlaceholders = new ArrayList<>();
    private final Map<String, Integer> placeholderIndex = new HashMap<>();
    private final Map<String, long[]> positions;
    private boolean placeholdersAdded;
    private boolean carriesShapes;
    private String source;
    private int next;
    private SourceLine lastLine;

    private ForwardParser(List<SourceLine> lines, int defLine, String name, ParseLimits limits, boolean recordPositions) {
        this.lines = lines;
        this.defLine = defLine;
        this.limits = limits;
        this.builder = new Graph.Builder(name, false, statementLines(lines, defLine, limits));
        this.nodes = new PythonNodes(builder::isDefined);
        this.positions = recordPositions ? new HashMap<>() : null;
    }

    /** Parses the {@code def forward} on line index {@code def} of {@code lines}. */
    static Forward parse(List<SourceLine> lines, int def, String name, ParseLimits limits, boolean recordPositions) {
        return new ForwardParser(lines, def, name, limits, recordPositions).parse();
    }

    /** The index of the first {@code def forward(} line at or after {@code from}. */
    static int find(List<SourceLine> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).text().trim().startsWith("def forward(")) {
                return i;
            }
        }
        SourceLine first = lines.isEmpty() ? new SourceLine("", 1, 0) : lines.get(0);
        throw new GraphParseException("no 'def forward(' found in the fx-python upload", first.line(), first.column(0));
    }

    /**
     * The statement lines of the body of the {@code def} at {@code defLine} up to its {@code return}, at most one more
     * than a graph may have nodes: about as many nodes as it makes (FX writes a statement a line), so the graph's
     * index is made that large at once rather than grown step by step. Blank lines and comments
     * ({@code # File: ...}) do not count.
     */
    private static int statementLines(List<SourceLine> lines, int defLine, ParseLimits limits) {
        int defIndent = indentation(lines.get(defLine).text());
        int statements = 1;
        for (int at = defLine + 1; at < lines.size() && statements <= limits.maxNodes(); at++) {
            String text = lines.get(at).text();
            int indent = indentation(text);
            if (indent == text.length()) {
                continue;
            }
            if (indent <= defIndent) { // where the reading of the body stops too
                break;
            }
            if (text.charAt(indent) != '#') {
                statements++;
                if (isReturn(text, indent)) { // where the reading of the body ends
                    break;
                }
            }
        }
        return statements;
    }

    private static boolean isReturn(String text, int at) {
        int end = at + "return".length();
        return text.startsWith("return", at) && (end == text.length() || !IdentifierChars.isPart(text.charAt(end)));
    }

    static int indentation(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private Forward parse() {
        int defIndent = indentation(lines.get(defLine).text());
        next = defLine;
        SourceLine def = lines.get(defLine);
        if (positions != null) {
            positions.put("", new long[]{def.line(), def.column(defIndent)});
        }
        parameters(logicalLine().tokens());
        Node output = null;
        while (next < lines.size() && output == null) {
            SourceLine line = lines.get(next);
            String text = line.text();
            int indent = indentation(text);
            if (indent == text.length()) {
                next++;
                continue;
            }
            if (indent <= defIndent) {
                break;
            }
            if (text.charAt(indent) == '#') {
                source = sourceComment(text, indent);
                next++;
                continue;
            }
            if (text.startsWith("\"\"\"", indent)) {
                skipMetaBlock(indent);
                continue;
            }
            PyTokens.LogicalLine statement = logicalLine();
            lastLine = statement.lastLine();
            output = statement(statement.tokens());
        }
        if (output == null) {
            SourceLine at = lastLine != null ? lastLine : def;
            throw new GraphParseException("forward() has no return statement", at.line(), at.column(0));
        }
        Graph graph = builder.build(lastLine.line(), 1);
        Graph completed = KindInference.complete(graph);
        return new Forward(completed.withSameNames(PythonAnnotations.tupleItemsFromGetitems(completed), carriesShapes),
                positions);
    }

    /**
     * With {@code FX_GRAPH_SHOW_META=1} FX writes each node's meta as a bare triple-quoted string before it; a
     * string statement does nothing, so its lines are skipped.
     */
    private void skipMetaBlock(int indent) {
        SourceLine open = lines.get(next);
        int close = open.text().indexOf("\"\"\"", indent + 3);
        if (close >= 0) {
            next++;
            return;
        }
        for (next++; next < lines.size(); next++) {
            if (lines.get(next).text().contains("\"\"\"")) {
                next++;
                return;
            }
        }
        throw new GraphParseException("unterminated triple-quoted string", open.line(), open.column(indent));
    }

    /**
     * {@code # File: model.py:88 in forward, code: ...}, possibly after {@code Annotation: {...}} or
     * {@code recompute: ...} parts; {@code # No stacktrace found ...} and other comments clear the location.
     */
    private static String sourceComment(String text, int hash) {
        int file = text.indexOf("File: ", hash);
        return file < 0 ? null : text.substring(file + "File: ".length()).trim();
    }

    /** The logical line at {@link #next}, which then points past it. */
    private PyTokens.LogicalLine logicalLine() {
        PyTokens.LogicalLine line = PyTokens.logicalLine(lines, next);
        next = line.next();
        return line;
    }

    private Parser parser(List<Token> tokens) {
        return new Parser(tokens, limits);
    }

    private void parameters(List<Token> tokens) {
        Parser p = parser(tokens);
        p.expect("def");
        p.expect("forward");
        p.expect("(");
        while (!p.accept(")")) {
            String prefix = p.accept("**") ? "**" : p.accept("*") ? "*" : "";
            Token name = p.next();
            if (name.type() != Type.NAME) {
                throw Parser.error(name, "expected a parameter name but found " + Parser.describe(name));
            }
            String type = null;
            ValueInfo value = null;
            if (p.accept(":")) {
                PyExpr annotation = p.expression();
                type = annotation instanceof PyExpr.Str s ? s.value() : PyExpr.render(annotation);
                value = annotation instanceof PyExpr.Str s ? annotationValue(s.value()) : null;
            }
            if (p.accept("=")) {
                p.expression(); // a default value does not affect partitioning
            }
            if (!name.text().equals("self")) {
                placeholderIndex.put(name.text(), pendingPlaceholders.size());
                pendingPlaceholders.add(new Node(name.text(), Op.PLACEHOLDER, prefix + name.text(), List.of(), Map.of(),
                        type, value, null));
            }
            if (!p.accept(",")) {
                p.expect(")");
                break;
            }
        }
    }

    private ValueInfo annotationValue(String annotation) {
        ValueInfo value = PythonAnnotations.value(annotation);
        carriesShapes |= value != null;
        return value;
    }

    private void addPlaceholders() {
        if (!placeholdersAdded) {
            placeholdersAdded = true;
            SourceLine def = lines.get(defLine);
            for (Node placeholder : pendingPlaceholders) {
                add(placeholder, def.line(), def.column(indentation(def.text())));
            }
        }
    }

    private void add(Node node, int line, int column) {
        if (builder.nodes().size() >= limits.maxNodes()) {
            throw limits.tooManyNodes(line, column);
        }
        builder.add(node, line, column);
        if (positions != null) {
            positions.put(node.name(), new long[]{line, column});
        }
    }

    /** Returns the output node for a return statement, else null. */
    private Node statement(List<Token> tokens) {
        List<List<Token>> segments = segments(tokens);
        Parser p = parser(segments.get(0));
        Token start = p.peek();
        if (start.type() == Type.NAME && start.text().equals("return")) {
            p.next();
            expectNoMore(segments, 1);
            return output(p, start);
        }
        if (start.type() == Type.NAME && FOREIGN_STATEMENTS.contains(start.text())) {
            throw Parser.error(start, "'" + start.text() + "' statements are not part of the code FX generates for a "
                    + "graph");
        }
        if (start.type() != Type.NAME && !start.is("(") && !start.is("[")) {
            throw Parser.error(start, "expected an assignment 'name = ...' or 'return ...' but found "
                    + Parser.describe(start));
        }
        if (isBareAnnotation(segments.get(0))) {
            bareAnnotations(segments);
            return null;
        }
        PyExpr target = p.expression();
        Token operator = p.peek();
        if (operator.is(",")) {
            pytreeFlatten(target, p);
            cleanUps(segments, 1);
            return null;
        }
        if (operator.type() == Type.OP && PythonOperators.AUGMENTED.containsKey(operator.text())) {
            p.next();
            PyExpr operand = p.expression();
            expectEnd(p);
            return inPlace("operator." + PythonOperators.AUGMENTED.get(operator.text()), target, List.of(target, operand),
                    operator, segments);
        }
        if (target instanceof PyExpr.Subscript s && operator.is("=")) {
            p.next();
            PyExpr value = p.expression();
            expectEnd(p);
            return inPlace("operator.setitem", s.object(), List.of(s.object(), s.index(), value), operator, segments);
        }
        if (!(target instanceof PyExpr.Name name)) {
            throw Parser.error(start, "expected a node name before '=' but found " + Parser.describe(start));
        }
        String annotation = annotation(p);
        p.expect("=");
        PyExpr value = p.expression();
        expectEnd(p);
        cleanUps(segments, 1);
        if (annotation == null && value instanceof PyExpr.Name alias && placeholderIndex.containsKey(alias.id())
                && !placeholdersAdded) {
            int index = placeholderIndex.get(alias.id());
            pendingPlaceholders.set(index, pendingPlaceholders.get(index).withName(name.id()));
            return null;
        }
        addPlaceholders();
        Node node = nodes.node(name.id(), value);
        add(annotated(node, annotation), start.line(), start.column());
        return null;
    }

    /**
     * {@code return (a, b)}; with torch.export's pytree code generator (torch/fx/graph.py, {@code _PyTreeCodeGen})
     * {@code return pytree.tree_unflatten((a, b), self._out_spec)}, whose first argument is the graph's output.
     */
    private Node output(Parser p, Token start) {
        addPlaceholders();
        PyExpr returned = p.atEnd() ? null : p.expression();
        if (returned instanceof PyExpr.Call call && "pytree.tree_unflatten".equals(PyExpr.dotted(call.function()))
                && call.args().size() == 2 && "self._out_spec".equals(PyExpr.dotted(call.args().get(1)))) {
            returned = call.args().get(0);
        }
        Arg result = returned == null ? Arg.NONE : nodes.arg(returned);
        expectEnd(p);
        Node output = new Node(FxNamespace.outputName(builder::isDefined, builder.nodes()), Op.OUTPUT, "output",
                List.of(result), Map.of(), null, ValueInfo.of(ValueKind.NONE), null);
        add(output, start.line(), start.column());
        return output;
    }

    /** {@code x: "f32[3]"} with no {@code =}: the pytree code generator's annotations of the placeholders. */
    private static boolean isBareAnnotation(List<Token> segment) {
        if (segment.size() < 3 || segment.get(0).type() != Type.NAME || !segment.get(1).is(":")) {
            return false;
        }
        for (Token t : segment) {
            if (t.is("=")) {
                return false;
            }
        }
        return true;
    }

    /** {@code x: "f32[3]"; y: "f32[3]"; }: each names a placeholder and gives its value. */
    private void bareAnnotations(List<List<Token>> segments) {
        for (List<Token> segment : segments) {
            if (segment.size() == 1) {
                continue;
            }
            Token name = segment.get(0);
            Integer index = isBareAnnotation(segment) && !placeholdersAdded ? placeholderIndex.get(name.text()) : null;
            if (index == null) {
                throw Parser.error(name, "an annotation without '=' must name a parameter of forward, found "
                        + Parser.describe(name));
            }
            Parser p = parser(segment);
            p.next();
            String annotation = annotation(p);
            expectEnd(p);
            Node placeholder = pendingPlaceholders.get(index);
            pendingPlaceholders.set(index, new Node(placeholder.name(), placeholder.op(), placeholder.target(),
                    List.of(), Map.of(), annotation, annotationValue(annotation), null));
        }
    }

    /**
     * {@code x, y, = fx_pytree.tree_flatten_spec(([x, y], {}), self._in_spec)}: the pytree code generator rebinds
     * the parameters to themselves, which changes no node.
     */
    private void pytreeFlatten(PyExpr first, Parser p) {
        List<PyExpr> names = new ArrayList<>(List.of(first));
        while (p.accept(",")) {
            if (!p.peek().is("=")) {
                names.add(p.expression());
            }
        }
        Token equals = p.expect("=");
        PyExpr value = p.expression();
        expectEnd(p);
        String function = value instanceof PyExpr.Call call ? PyExpr.dotted(call.function()) : null;
        boolean parameters = !placeholdersAdded && names.stream().allMatch(n -> n instanceof PyExpr.Name name
                && placeholderIndex.containsKey(name.id()));
        if (!parameters || !("fx_pytree.tree_flatten_spec".equals(function) || "pytree.tree_leaves".equals(function))) {
            throw Parser.error(equals, "unpacking into several names is only written by torch.export's pytree code "
                    + "generator, as 'x, y, = fx_pytree.tree_flatten_spec(...)' on the parameters; FX assigns one node "
                    + "per statement");
        }
    }

    /** {@code : "f32[s0]"} or {@code : torch.Tensor} after a name; null when there is none. */
    private String annotation(Parser p) {
        if (!p.accept(":")) {
            return null;
        }
        PyExpr annotation = p.expression();
        return annotation instanceof PyExpr.Str s ? s.value() : PyExpr.render(annotation);
    }

    private Node annotated(Node node, String annotation) {
        ValueInfo info = annotation == null ? null : annotationValue(annotation);
        return new Node(node.name(), node.op(), node.target(), node.args(), node.kwargs(), annotation, info, source);
    }

    /**
     * FX writes an in-place operator or {@code operator.setitem} as a statement, then names the node after the
     * object it changed: {@code x += y;  iadd: "f32[4]" = x}, {@code t[i] = v;  setitem = t}.
     */
    private Node inPlace(String target, PyExpr changed, List<PyExpr> operands, Token at, List<List<Token>> segments) {
        if (segments.size() < 2) {
            throw Parser.error(at, "expected '; name = ...' naming the result of the in-place statement ("
                    + target + ")");
        }
        Parser p = parser(segments.get(1));
        Token name = p.next();
        if (name.type() != Type.NAME) {
            throw Parser.error(name, "expected the name of the in-place result after ';' but found "
                    + Parser.describe(name));
        }
        String annotation = annotation(p);
        p.expect("=");
        PyExpr alias = p.expression();
        expectEnd(p);
        if (!PyExpr.render(alias).equals(PyExpr.render(changed))) {
            throw Parser.error(alias.at(), "expected '" + name.text() + " = " + PyExpr.render(changed)
                    + "' naming the in-place result but found '" + PyExpr.render(alias) + "'");
        }
        cleanUps(segments, 2);
        addPlaceholders();
        List<Arg> args = new ArrayList<>(operands.size());
        for (PyExpr operand : operands) {
            args.add(nodes.arg(operand));
        }
        Node node = new Node(name.text(), Op.CALL_FUNCTION, target, args, Map.of(), null, null, null);
        add(annotated(node, annotation), name.line(), name.column());
        return null;
    }

    /** The statement's parts between ';' (FX appends clean-ups such as {@code a = b = None}). */
    private static List<List<Token>> segments(List<Token> tokens) {
        List<List<Token>> segments = new ArrayList<>(2);
        int from = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if ((t.type() == Type.OP && t.text().equals(";")) || t.type() == Type.END) {
                List<Token> segment = new ArrayList<>(tokens.subList(from, i));
                segment.add(new Token(Type.END, "", t.line(), t.column()));
                segments.add(segment);
                from = i + 1;
            }
        }
        return segments;
    }

    /** Every part from {@code from} on must be a clean-up {@code a = b = None} (an empty part ends the line). */
    private static void cleanUps(List<List<Token>> segments, int from) {
        for (int i = from; i < segments.size(); i++) {
            List<Token> s = segments.get(i);
            if (s.size() == 1) {
                continue; // a trailing ';'
            }
            boolean ok = s.size() >= 4 && s.size() % 2 == 0;
            for (int j = 0; ok && j < s.size() - 1; j++) {
                Token t = s.get(j);
                ok = j % 2 == 0 ? t.type() == Type.NAME : t.is("=");
            }
            if (!ok || !s.get(s.size() - 2).text().equals("None")) {
                throw Parser.error(s.get(0), "expected a clean-up 'a = b = None' after ';' but found "
                        + Parser.describe(s.get(0)));
            }
        }
    }

    private static void expectNoMore(List<List<Token>> segments, int from) {
        for (int i = from; i < segments.size(); i++) {
            if (segments.get(i).size() > 1) {
                throw Parser.error(segments.get(i).get(0), "unexpected statement after 'return'");
            }
        }
    }

    private static void expectEnd(Parser p) {
        if (!p.atEnd()) {
            throw Parser.error(p.peek(), "unexpected " + Parser.describe(p.peek()) + " after the expression");
        }
    }
}
