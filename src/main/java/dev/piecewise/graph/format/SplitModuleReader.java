package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an already split module ({@code split_module(...).print_readable()}, vLLM's computation_graph.py): the
 * top-level forward calls {@code self.submod_N}, each a nested {@code class submod_N}. Gives the submodules as
 * they are and the graph inlined back into one, so it can be partitioned again.
 */
final class SplitModuleReader {

    record Inlined(Graph graph, SplitView view) {
    }

    private SplitModuleReader() {
    }

    /**
     * A split module calls its nested {@code class submod_N} bodies ({@code self.submod_0(x)}); a graph whose
     * higher-order ops only fetch a nested submodule ({@code submod_3 = self.submod_1}) is not one.
     */
    static boolean isSplitModule(List<SourceLine> lines) {
        boolean nested = false;
        boolean called = false;
        for (SourceLine line : lines) {
            String text = line.text();
            nested |= startsAfterBlanks(text, "class submod_"); // text.trim().startsWith, without a copy a line
            int at = text.indexOf("self.submod_");
            if (at >= 0) {
                int end = at + "self.submod_".length();
                while (end < text.length() && Character.isDigit(text.charAt(end))) {
                    end++;
                }
                called |= end < text.length() && text.charAt(end) == '(';
            }
        }
        return nested && called;
    }

    private static boolean startsAfterBlanks(String text, String prefix) {
        int i = 0;
        while (i < text.length() && text.charAt(i) <= ' ') {
            i++;
        }
        return text.startsWith(prefix, i);
    }

    static Inlined read(List<SourceLine> lines, String name, ParseLimits limits) {
        ForwardParser.Forward topForward = ForwardParser.parse(lines, ForwardParser.find(lines, 0), name, limits, true);
        Graph top = topForward.graph();
        Map<String, Integer> classes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).text().trim();
            if (t.startsWith("class submod_")) {
                classes.put(t.substring("class ".length(), t.indexOf('(') < 0 ? t.length() : t.indexOf('(')), i);
            }
        }
        List<Node> inlined = new ArrayList<>();
        Map<String, Arg> env = new HashMap<>(); // top-level name -> the original value it stands for
        Map<String, List<Arg>> results = new HashMap<>();
        Map<String, long[]> positions = new HashMap<>(); // inlined node -> where it was written
        List<SplitView.Piece> pieces = new ArrayList<>();
        for (Node node : top.nodes()) {
            long[] at = topForward.position(node.name());
            if (node.op() == Op.PLACEHOLDER) {
                inlined.add(node);
                positions.put(node.name(), at);
                env.put(node.name(), new Arg.Ref(node.name()));
            } else if (node.op() == Op.CALL_MODULE && classes.containsKey(node.target())) {
                ForwardParser.Forward forward = ForwardParser.parse(lines,
                        ForwardParser.find(lines, classes.get(node.target())), node.target(), limits, true);
                Graph body = forward.graph();
                body.nodes().forEach(n -> positions.putIfAbsent(n.name(), forward.position(n.name())));
                List<Arg> outputs = inline(node, body, env, inlined, pieces, at);
                if (inlined.size() > limits.maxNodes()) {
                    throw limits.tooManyNodes((int) at[0], (int) at[1]);
                }
                results.put(node.name(), outputs);
                if (outputs.size() == 1 && !(body.output().args().get(0) instanceof Arg.Tuple)) {
                    env.put(node.name(), outputs.get(0));
                }
            } else if (node.isCallFunction("operator.getitem") && node.args().size() == 2
                    && node.args().get(0) instanceof Arg.Ref ref && results.containsKey(ref.name())
                    && node.args().get(1) instanceof Arg.IntLit index) {
                List<Arg> outputs = results.get(ref.name());
                if (index.value() < 0 || index.value() >= outputs.size()) {
                    throw new GraphParseException(ref.name() + " returns " + outputs.size() + " value(s); '"
                            + node.name() + "' takes item " + index.value(), (int) at[0], (int) at[1]);
                }
                env.put(node.name(), outputs.get((int) index.value()));
            } else if (node.op() == Op.OUTPUT) {
                Node output = new Node(FxNamespace.of(inlined).create("output"), Op.OUTPUT, "output",
                        node.args().stream().map(a -> resolve(a, env, node, at)).toList(), Map.of(), null, node.value(), null);
                inlined.add(output);
                positions.put(output.name(), at);
            } else {
                throw new GraphParseException("the top-level forward of a split module only calls submodules and "
                        + "unpacks their results; '" + node.name() + "' does something else", (int) at[0], (int) at[1]);
            }
        }
        Graph.Builder builder = new Graph.Builder(name, top.carriesShapes(), inlined.size());
        long[] end = topForward.position(top.output().name());
        for (Node node : inlined) {
            long[] at = positions.getOrDefault(node.name(), end);
            builder.add(node, (int) at[0], (int) at[1]); // checks that the inlined graph is well formed
        }
        return new Inlined(KindInference.complete(builder.build((int) end[0], (int) end[1])), new SplitView(pieces));
    }

    /** Appends a submodule's body with its parameters replaced by the call's arguments; returns its outputs. */
    private static List<Arg> inline(Node call, Graph body, Map<String, Arg> env, List<Node> inlined,
                                    List<SplitView.Piece> pieces, long[] at) {
        Map<String, Arg> params = new LinkedHashMap<>();
        List<Node> placeholders = body.nodes().stream().filter(n -> n.op() == Op.PLACEHOLDER).toList();
        List<SplitView.Value> inputs = new ArrayList<>();
        if (placeholders.size() != call.args().size() || !call.kwargs().isEmpty()) {
            throw new GraphParseException(call.target() + " takes " + placeholders.size() + " argument(s) but '"
                    + call.name() + "' passes " + call.args().size() + (call.kwargs().isEmpty() ? "" : " and keywords"),
                    (int) at[0], (int) at[1]);
        }
        for (int i = 0; i < placeholders.size(); i++) {
            Arg actual = resolve(call.args().get(i), env, call, at);
            params.put(placeholders.get(i).name(), actual);
            inputs.add(new SplitView.Value(placeholders.get(i).name(), placeholders.get(i).kind()));
        }
        List<String> nodes = new ArrayList<>();
        for (Node node : body.nodes()) {
            if (node.op() == Op.PLACEHOLDER || node.op() == Op.OUTPUT) {
                continue;
            }
            nodes.add(node.name());
            inlined.add(node.withArgs(
                    node.args().stream().map(a -> Arg.mapRefs(a, ref -> params.getOrDefault(ref, new Arg.Ref(ref)))).toList(),
                    mapKwargs(node.kwargs(), params)));
        }
        Arg returned = body.output().args().get(0);
        List<Arg> outputs = returned instanceof Arg.Tuple t ? t.items() : List.of(returned);
        List<Arg> resolved = outputs.stream()
                .map(a -> Arg.mapRefs(a, ref -> params.getOrDefault(ref, new Arg.Ref(ref)))).toList();
        List<SplitView.Value> outputValues = new ArrayList<>();
        for (Arg out : outputs) {
            if (out instanceof Arg.Ref ref) {
                outputValues.add(new SplitView.Value(ref.name(), body.node(ref.name()).kind()));
            }
        }
        int graphId;
        try {
            graphId = Integer.parseInt(call.target().substring("submod_".length()));
        } catch (NumberFormatException notNumbered) {
            throw new GraphParseException("split_module names submodules submod_<id>; '" + call.target()
                    + "' has no id", (int) at[0], (int) at[1]);
        }
        pieces.add(new SplitView.Piece(call.target(), graphId, nodes, inputs, outputValues));
        return resolved;
    }

    /** A top-level argument in terms of the original graph; a name that stands for nothing is an error. */
    private static Arg resolve(Arg arg, Map<String, Arg> env, Node user, long[] at) {
        return Arg.mapRefs(arg, ref -> {
            Arg value = env.get(ref);
            if (value == null) {
                throw new GraphParseException("'" + user.name() + "' uses '" + ref + "', which is a submodule's "
                        + "result of several values; take one with " + ref + "[i]", (int) at[0], (int) at[1]);
            }
            return value;
        });
    }

    private static Map<String, Arg> mapKwargs(Map<String, Arg> kwargs, Map<String, Arg> params) {
        Map<String, Arg> mapped = new LinkedHashMap<>();
        kwargs.forEach((k, v) -> mapped.put(k, Arg.mapRefs(v, ref -> params.getOrDefault(ref, new Arg.Ref(ref)))));
        return mapped;
    }
}
