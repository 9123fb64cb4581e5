package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.NameIndex;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code print(gm.graph)} output, PyTorch 1.x ({@code [#users=N]}) and 2.x ({@code [num_users=N]}), in
 * one pass over the lines. The dump carries no values, so kinds are inferred ({@link KindInference}).
 */
public final class FxTextParser implements GraphParser {

    @Override
    public Graph parse(String text, String name) {
        return parse(text, name, ParseLimits.DEFAULTS);
    }

    static Graph parse(String text, String name, ParseLimits limits) {
        SourceText source = SourceText.of(text);
        // A node a line, in a dump: the line count sizes the graph's index.
        Graph.Builder builder = new Graph.Builder(name, false, source.lineCount());
        ArgScanner scan = new ArgScanner(text, builder::definedName, limits);
        // A model calls a few hundred distinct targets, each thousands of times: one string each, not one a node.
        NameIndex targets = new NameIndex(256);
        boolean headerSeen = false;
        int lineNo = 0;
        // Lines are read in place, as offsets into the upload: a million-node dump is not copied line by line.
        for (int index = 0; index < source.lineCount(); index++) {
            int start = source.lineStart(index);
            int end = source.lineEnd(index);
            lineNo = index + 1;
            int first = start;
            while (first < end && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
                first++;
            }
            if (first == end) {
                continue;
            }
            int column = first - start + 1;
            if (!headerSeen) {
                if (!startsWith(text, "graph(", first, end)) {
                    throw new GraphParseException("an fx-text graph starts with 'graph():'", lineNo, column);
                }
                headerSeen = true;
                continue;
            }
            if (builder.nodes().size() >= limits.maxNodes()) {
                throw limits.tooManyNodes(lineNo, column);
            }
            if (text.charAt(first) == '%') {
                scan.startLine(first + 1, end, lineNo, -start, ArgScanner.BareNames.STRINGS);
                builder.add(parseNode(text, scan, targets), lineNo, column);
            } else if (startsWith(text, "return", first, end)) {
                scan.startLine(first + "return".length(), end, lineNo, -start, ArgScanner.BareNames.NODES);
                builder.add(parseReturn(scan, builder), lineNo, column);
            } else {
                throw new GraphParseException("expected a node line starting with '%' or a 'return' line, found '"
                        + abbreviate(text.substring(first, end)) + "'", lineNo, column);
            }
        }
        if (!headerSeen) {
            throw new GraphParseException("the upload is empty", 1, 1);
        }
        Graph graph = builder.build(lineNo, 1);
        return KindInference.complete(graph);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** The node on the scanner's line, just after its '%'. */
    private static Node parseNode(String text, ArgScanner scan, NameIndex targets) {
        int end = scan.end();
        String name = scan.readIdentifier();
        if (name.isEmpty()) {
            throw scan.error("expected a node name after '%'");
        }
        scan.expect(":");
        scan.skipSpaces();
        int typeStart = scan.pos();
        int users = indexOf(text, "users=", typeStart, end);
        int bracket = users < 0 ? -1 : text.lastIndexOf('[', users);
        if (bracket < typeStart) {
            throw scan.error("expected '[num_users=N]' after the node name");
        }
        String type = text.substring(typeStart, bracket).trim();
        int close = indexOf(text, "]", users, end);
        if (close < 0) {
            throw scan.error("unterminated '[num_users=N]'", bracket);
        }
        scan.moveTo(close + 1);
        scan.expect("=");
        scan.skipSpaces();
        int opStart = scan.pos();
        int targetAt = indexOf(text, "[target=", opStart, end);
        if (targetAt < 0) {
            throw scan.error("expected 'OP[target=TARGET]'");
        }
        Op op = opNamed(text, opStart, targetAt);
        if (op == null || op == Op.OUTPUT) {
            throw scan.error("unknown op '" + text.substring(opStart, targetAt).trim() + "'; expected placeholder, "
                    + "get_attr, call_function, call_method or call_module", opStart);
        }
        int targetStart = targetAt + "[target=".length();
        int targetEnd = findTargetEnd(text, targetStart, end);
        if (targetEnd < 0) {
            throw scan.error("unterminated '[target=...]'", targetAt);
        }
        String target = targets.name(text, targetStart, targetEnd);
        if (target == null) {
            target = text.substring(targetStart, targetEnd);
            targets.putIfAbsent(target, 0);
        }
        scan.moveTo(targetEnd + 1);
        List<Arg> args = List.of();
        Map<String, Arg> kwargs = Map.of();
        if (scan.tryConsume("(")) {
            if (scan.tryConsume("default")) {
                scan.expect("=");
                scan.parseArg(); // a placeholder's default value does not affect partitioning
                scan.expect(")");
            } else {
                scan.expect("args");
                scan.expect("=");
                scan.expect("(");
                args = scan.parseSequence(')');
                scan.expect(",");
                scan.expect("kwargs");
                scan.expect("=");
                Arg dict = scan.parseArg();
                if (!(dict instanceof Arg.Dict d)) {
                    throw scan.error("kwargs must be a dict");
                }
                kwargs = d.entries();
                scan.expect(")");
            }
        } else if (op.isCall()) {
            throw scan.error("expected '(args = (...), kwargs = {...})' (truncated line?)");
        }
        if (!scan.atEnd()) {
            throw scan.error("unexpected text after the node");
        }
        return new Node(name, op, target, args, kwargs, type.isEmpty() ? null : type, null, null);
    }

    private static final Op[] OPS = Op.values();

    /** The opcode spelled between {@code from} and {@code to}, spaces around it ignored; null for none. */
    private static Op opNamed(String text, int from, int to) {
        while (from < to && text.charAt(from) == ' ') {
            from++;
        }
        while (to > from && text.charAt(to - 1) == ' ') {
            to--;
        }
        for (Op op : OPS) {
            if (op.fxName().length() == to - from && text.startsWith(op.fxName(), from)) {
                return op;
            }
        }
        return null;
    }

    private static boolean startsWith(String text, String token, int at, int end) {
        return at + token.length() <= end && text.startsWith(token, at);
    }

    /** {@code text.indexOf(token, from)} within the line ending at {@code end}: a miss does not read on. */
    private static int indexOf(String text, String token, int from, int end) {
        char first = token.charAt(0);
        for (int i = from, last = end - token.length(); i <= last; i++) {
            if (text.charAt(i) == first && text.startsWith(token, i)) {
                return i;
            }
        }
        return -1;
    }

    /** A target ends at the ']' that is followed by '(' or the end of the line (targets may contain brackets). */
    private static int findTargetEnd(String text, int from, int end) {
        int paren = indexOf(text, "](", from, end);
        if (paren >= 0) {
            return paren;
        }
        while (end > from && text.charAt(end - 1) == ' ') {
            end--;
        }
        return end > from && text.charAt(end - 1) == ']' ? end - 1 : -1;
    }

    /** The output node of the scanner's line, just after its 'return'. */
    private static Node parseReturn(ArgScanner scan, Graph.Builder builder) {
        Arg result = scan.parseArg();
        if (!scan.atEnd()) {
            throw scan.error("unexpected text after the returned value");
        }
        String outputName = FxNamespace.outputName(builder::isDefined, builder.nodes());
        return new Node(outputName, Op.OUTPUT, "output", List.of(result), new LinkedHashMap<>(), null, null, null);
    }
}
