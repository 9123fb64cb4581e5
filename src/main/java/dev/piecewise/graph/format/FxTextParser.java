package dev.piecewise.graph.format;

import dev.piecewise.concurrent.Futures;
import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.NameIndex;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * Parses {@code print(gm.graph)} output, PyTorch 1.x ({@code [#users=N]}) and 2.x ({@code [num_users=N]}), in
 * one pass over the lines. The dump carries no values, so kinds are inferred ({@link KindInference}).
 * <p>
 * A large dump's second half is read on another thread ({@link SecondHalf}) while this one reads the first; its
 * nodes are then added here in order, so the graph, and any error, are those of reading the lines one by one.
 */
public final class FxTextParser implements GraphParser {

    /** Below this many lines a dump is read on one thread: handing half to another would cost more than it saves. */
    private static final int READ_IN_HALVES_FROM = 4096;

    @Override
    public Graph parse(String text, String name) {
        return parse(text, name, ParseLimits.DEFAULTS);
    }

    static Graph parse(String text, String name, ParseLimits limits) {
        SourceText source = SourceText.of(text);
        int lines = source.lineCount();
        boolean inHalves = lines >= READ_IN_HALVES_FROM && Runtime.getRuntime().availableProcessors() > 1;
        return parse(source, name, limits, inHalves ? lines / 2 : lines);
    }

    /**
     * @param secondHalfFrom the 0-based line from which the dump is read on another thread; the line count, or
     *                       more, for none
     */
    static Graph parse(String text, String name, ParseLimits limits, int secondHalfFrom) {
        return parse(SourceText.of(text), name, limits, secondHalfFrom);
    }

    private static Graph parse(SourceText source, String name, ParseLimits limits, int secondHalfFrom) {
        int lines = source.lineCount();
        FutureTask<SecondHalf> secondHalf = secondHalfFrom < lines
                ? Futures.offer(() -> SecondHalf.read(source, secondHalfFrom, limits), ForkJoinPool.commonPool())
                : null;
        LineReader reader = new LineReader(source, name, limits);
        int index = 0;
        try {
            for (; index < Math.min(secondHalfFrom, lines); index++) {
                reader.read(index);
            }
        } catch (RuntimeException | Error e) {
            if (secondHalf != null) {
                secondHalf.cancel(false); // not started yet: then it never is
            }
            throw e;
        }
        if (secondHalf != null) {
            if (reader.headerSeen) {
                // Read on this thread if the pool's thread has not started it.
                index = Futures.resultHelping(secondHalf).addTo(reader);
            } else {
                // No header yet, so no node either: the second half is read here, as lines, from the first.
                secondHalf.cancel(false);
            }
        }
        for (; index < lines; index++) {
            reader.read(index);
        }
        return reader.graph();
    }

    /** The lines of a dump read in order into a graph. */
    private static final class LineReader {
        private final SourceText source;
        private final String text;
        private final ParseLimits limits;
        private final Graph.Builder builder;
        private final ArgScanner scan;
        /** A model calls a few hundred distinct targets, each thousands of times: one string each, not one a node. */
        private final NameIndex targets = new NameIndex(256);
        private boolean headerSeen;

        LineReader(SourceText source, String name, ParseLimits limits) {
            this.source = source;
            this.text = source.text();
            this.limits = limits;
            this.builder = new Graph.Builder(name, false, nodesAtMost(source, 0));
            this.scan = new ArgScanner(text, builder::definedName, limits);
        }

        /** Reads the 0-based line {@code index}; lines are read in place, as offsets into the upload. */
        void read(int index) {
            int start = source.lineStart(index);
            int end = source.lineEnd(index);
            int lineNo = index + 1;
            int first = firstNonBlank(text, start, end);
            if (first == end) {
                return;
            }
            int column = first - start + 1;
            if (!headerSeen) {
                if (!startsWith(text, "graph(", first, end)) {
                    throw new GraphParseException("an fx-text graph starts with 'graph():'", lineNo, column);
                }
                headerSeen = true;
                return;
            }
            if (!hasRoom()) {
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

        boolean hasRoom() {
            return builder.nodes().size() < limits.maxNodes();
        }

        boolean isDefined(String nodeName) {
            return builder.isDefined(nodeName);
        }

        /** Adds a node read elsewhere from the 0-based line {@code index}, as {@link #read} would have. */
        void add(Node node, int index, int column) {
            builder.add(node, index + 1, column);
        }

        Graph graph() {
            if (!headerSeen) {
                throw new GraphParseException("the upload is empty", 1, 1);
            }
            return KindInference.complete(builder.build(source.lineCount(), 1));
        }
    }

    /**
     * The node lines of a dump's second half, read before the nodes of the first are known: a reference to a node
     * not defined in this half is taken on trust, and checked when the nodes are added in order. Reading stops at
     * the first line that is not a node (the return), or that does not parse; the lines from there are read in
     * order, as lines, so what they do (an error, most often) is what reading them one by one does.
     */
    private static final class SecondHalf {
        private final List<Node> nodes = new ArrayList<>();
        private int[] lines = new int[256];
        private int[] columns = new int[256];
        /** The references taken on trust, in order, and the node (its place in {@link #nodes}) that holds each. */
        private final List<String> trusted = new ArrayList<>();
        private int[] trustedBy = new int[64];
        private int stoppedAt;

        static SecondHalf read(SourceText source, int from, ParseLimits limits) {
            SecondHalf half = new SecondHalf();
            String text = source.text();
            NameIndex defined = new NameIndex(nodesAtMost(source, from));
            ArgScanner scan = new ArgScanner(text, (t, nameFrom, nameTo) -> {
                String name = defined.name(t, nameFrom, nameTo);
                return name != null ? name : half.trust(t.substring(nameFrom, nameTo));
            }, limits);
            NameIndex targets = new NameIndex(256);
            int index = from;
            for (; index < source.lineCount(); index++) {
                int start = source.lineStart(index);
                int end = source.lineEnd(index);
                int first = firstNonBlank(text, start, end);
                if (first == end) {
                    continue;
                }
                // Past the node limit, reading on would be work for nothing: the rest is read in order, and refused.
                if (text.charAt(first) != '%' || half.nodes.size() >= limits.maxNodes()) {
                    break;
                }
                Node node;
                try {
                    scan.startLine(first + 1, end, index + 1, -start, ArgScanner.BareNames.STRINGS);
                    node = parseNode(text, scan, targets);
                } catch (RuntimeException e) {
                    // Read again in order, where it is thrown only if no earlier line is refused first.
                    break;
                }
                defined.putIfAbsent(node.name(), half.nodes.size());
                half.addNode(node, index, first - start + 1);
            }
            half.stoppedAt = index;
            return half;
        }

        private String trust(String name) {
            if (trusted.size() == trustedBy.length) {
                trustedBy = Arrays.copyOf(trustedBy, trustedBy.length * 2);
            }
            trustedBy[trusted.size()] = nodes.size();
            trusted.add(name);
            return name;
        }

        private void addNode(Node node, int index, int column) {
            int at = nodes.size();
            if (at == lines.length) {
                lines = Arrays.copyOf(lines, at * 2);
                columns = Arrays.copyOf(columns, at * 2);
            }
            lines[at] = index;
            columns[at] = column;
            nodes.add(node);
        }

        /**
         * Adds the nodes to the reader's graph, in order, up to one that reading its line in order would refuse (a
         * reference to a node not defined before it, or one node too many).
         *
         * @return the 0-based line from which the rest is read in order
         */
        int addTo(LineReader reader) {
            int nextTrusted = 0;
            for (int at = 0; at < nodes.size(); at++) {
                boolean refused = !reader.hasRoom();
                for (; nextTrusted < trusted.size() && trustedBy[nextTrusted] == at; nextTrusted++) {
                    refused |= !reader.isDefined(trusted.get(nextTrusted));
                }
                if (refused) {
                    return lines[at];
                }
                reader.add(nodes.get(at), lines[at], columns[at]);
            }
            return stoppedAt;
        }
    }

    /**
     * How many nodes the lines from {@code from} can hold, to size an index: a node a line, but no more than the
     * text holds node lines of the fewest characters ({@code %a:[users=0]=get_attr[target=a]} and its line end, 32).
     * Sized by lines alone, 40 MB of blank lines made the index ask for 2 GB.
     */
    private static int nodesAtMost(SourceText source, int from) {
        int text = source.text().length() - source.lineStart(from);
        return Math.min(source.lineCount() - from, text / 32 + 1);
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

    private static int firstNonBlank(String text, int start, int end) {
        int first = start;
        while (first < end && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
            first++;
        }
        return first;
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
