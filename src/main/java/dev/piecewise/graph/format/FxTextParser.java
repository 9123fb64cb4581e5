package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

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
        Graph.Builder builder = new Graph.Builder(name, false);
        UnaryOperator<String> definedName = builder::definedName;
        // A model calls a few hundred distinct targets, each thousands of times: one string each, not one a node.
        Map<String, String> targets = new HashMap<>();
        boolean headerSeen = false;
        int lineNo = 0;
        for (int index = 0; index < source.lineCount(); index++) {
            String line = source.line(index);
            lineNo = index + 1;
            int indent = 0;
            while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
                indent++;
            }
            if (indent == line.length()) {
                continue;
            }
            if (!headerSeen) {
                if (!line.startsWith("graph(", indent)) {
                    throw new GraphParseException("an fx-text graph starts with 'graph():'", lineNo, indent + 1);
                }
                headerSeen = true;
                continue;
            }
            if (builder.nodes().size() >= limits.maxNodes()) {
                throw limits.tooManyNodes(lineNo, indent + 1);
            }
            if (line.startsWith("%", indent)) {
                builder.add(parseNode(line, indent, lineNo, definedName, targets, limits), lineNo, indent + 1);
            } else if (line.startsWith("return", indent)) {
                builder.add(parseReturn(line, indent, lineNo, builder, definedName, limits), lineNo, indent + 1);
            } else {
                throw new GraphParseException("expected a node line starting with '%' or a 'return' line, found '"
                        + abbreviate(line.substring(indent)) + "'", lineNo, indent + 1);
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

    private static Node parseNode(String line, int indent, int lineNo, UnaryOperator<String> definedName,
                                  Map<String, String> targets, ParseLimits limits) {
        ArgScanner scan = new ArgScanner(line, indent + 1, lineNo, 0, definedName, ArgScanner.BareNames.STRINGS, limits);
        String name = scan.readIdentifier();
        if (name.isEmpty()) {
            throw scan.error("expected a node name after '%'");
        }
        scan.expect(":");
        scan.skipSpaces();
        int typeStart = scan.pos();
        int users = line.indexOf("users=", typeStart);
        int bracket = users < 0 ? -1 : line.lastIndexOf('[', users);
        if (bracket < 0) {
            throw scan.error("expected '[num_users=N]' after the node name");
        }
        String type = line.substring(typeStart, bracket).trim();
        int close = line.indexOf(']', users);
        if (close < 0) {
            throw scan.error("unterminated '[num_users=N]'", bracket);
        }
        scan.moveTo(close + 1);
        scan.expect("=");
        scan.skipSpaces();
        int opStart = scan.pos();
        int targetAt = line.indexOf("[target=", opStart);
        if (targetAt < 0) {
            throw scan.error("expected 'OP[target=TARGET]'");
        }
        String opName = line.substring(opStart, targetAt).trim();
        Op op = Op.fromFxName(opName);
        if (op == null || op == Op.OUTPUT) {
            throw scan.error("unknown op '" + opName + "'; expected placeholder, get_attr, call_function, "
                    + "call_method or call_module", opStart);
        }
        int targetStart = targetAt + "[target=".length();
        int targetEnd = findTargetEnd(line, targetStart);
        if (targetEnd < 0) {
            throw scan.error("unterminated '[target=...]'", targetAt);
        }
        String target = targets.computeIfAbsent(line.substring(targetStart, targetEnd), t -> t);
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

    /** A target ends at the ']' that is followed by '(' or the end of the line (targets may contain brackets). */
    private static int findTargetEnd(String line, int from) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        int paren = line.indexOf("](", from);
        if (paren >= 0) {
            return paren;
        }
        return end > from && line.charAt(end - 1) == ']' ? end - 1 : -1;
    }

    private static Node parseReturn(String line, int indent, int lineNo, Graph.Builder builder, UnaryOperator<String> definedName,
                                    ParseLimits limits) {
        ArgScanner scan = new ArgScanner(line, indent + "return".length(), lineNo, 0, definedName, ArgScanner.BareNames.NODES, limits);
        Arg result = scan.parseArg();
        if (!scan.atEnd()) {
            throw scan.error("unexpected text after the returned value");
        }
        String outputName = FxNamespace.outputName(builder::isDefined, builder.nodes());
        return new Node(outputName, Op.OUTPUT, "output", List.of(result), new LinkedHashMap<>(), null, null, null);
    }
}
