package dev.piecewise.graph.trace;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.format.ParseLimits;
import dev.piecewise.graph.format.SplitView;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * vLLM's split of a Dynamo graph as logged in {@code vllm_piecewise_split_graph} ({@code split_gm.print_readable()}).
 * vLLM calls split_module without keeping node names, so nodes inside a submodule are named after their targets
 * ({@code moe}, and {@code view} in two submodules) rather than as in Dynamo's graph ({@code out}). Each
 * {@code class submod_N} is read on its own and its nodes are given Dynamo's names: the n-th node of an op and
 * target in call order is the n-th of the same op and target in Dynamo's graph. Nodes vLLM created itself (its
 * size decomposition) keep vLLM's names.
 */
final class VllmSplit {

    private static final String SUBMODULE_CLASS = "class submod_";

    private VllmSplit() {
    }

    static SplitView read(String payload, int firstLine, Graph dynamo, ParseLimits limits) {
        String[] lines = payload.split("\n", -1);
        List<Integer> classStarts = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().startsWith(SUBMODULE_CLASS)) {
                classStarts.add(i);
            }
        }
        if (classStarts.isEmpty()) {
            throw new GraphParseException("vllm_piecewise_split_graph holds no 'class submod_N': it is not a split module",
                    firstLine, 2);
        }
        Graph top = TraceUpload.readFxPython(block(lines, 0, classStarts.get(0)), "split", firstLine, limits).graph();
        Map<String, Graph> bodies = new HashMap<>();
        for (int c = 0; c < classStarts.size(); c++) {
            int from = classStarts.get(c);
            int to = c + 1 < classStarts.size() ? classStarts.get(c + 1) : lines.length;
            String header = lines[from].trim();
            String name = header.substring("class ".length(), header.indexOf('(') < 0 ? header.length() : header.indexOf('('));
            bodies.put(name, TraceUpload.readFxPython(block(lines, from, to), name, firstLine + from, limits).graph());
        }
        Map<String, ArrayDeque<String>> dynamoNames = new HashMap<>();
        for (Node n : dynamo.nodes()) {
            dynamoNames.computeIfAbsent(key(n), k -> new ArrayDeque<>()).add(n.name());
        }
        List<SplitView.Piece> pieces = new ArrayList<>();
        for (Node call : top.nodes()) {
            Graph body = call.op() == Op.CALL_MODULE ? bodies.get(call.target()) : null;
            if (body != null) {
                pieces.add(piece(call.target(), body, dynamoNames, firstLine));
            }
        }
        return new SplitView(pieces);
    }

    private static SplitView.Piece piece(String name, Graph body, Map<String, ArrayDeque<String>> dynamoNames, int line) {
        Map<String, String> renamed = new HashMap<>();
        List<String> nodes = new ArrayList<>();
        List<SplitView.Value> inputs = new ArrayList<>();
        for (Node n : body.nodes()) {
            if (n.op() == Op.PLACEHOLDER) {
                inputs.add(new SplitView.Value(n.name(), n.kind()));
            } else if (n.op() != Op.OUTPUT) {
                ArrayDeque<String> candidates = dynamoNames.get(key(n));
                String dynamoName = candidates == null || candidates.isEmpty() ? n.name() : candidates.poll();
                renamed.put(n.name(), dynamoName);
                nodes.add(dynamoName);
            }
        }
        Arg returned = body.output().args().get(0);
        List<SplitView.Value> outputs = new ArrayList<>();
        for (Arg out : returned instanceof Arg.Tuple t ? t.items() : List.of(returned)) {
            if (out instanceof Arg.Ref ref) {
                outputs.add(new SplitView.Value(renamed.getOrDefault(ref.name(), ref.name()), body.node(ref.name()).kind()));
            }
        }
        int graphId;
        try {
            graphId = Integer.parseInt(name.substring("submod_".length()));
        } catch (NumberFormatException notNumbered) {
            throw new GraphParseException("split_module names submodules submod_<id>; '" + name + "' has none", line, 1);
        }
        return new SplitView.Piece(name, graphId, nodes, inputs, outputs);
    }

    private static String key(Node n) {
        return n.op() + " " + n.canonicalTarget();
    }

    /**
     * Lines {@code from} (inclusive) to {@code to}, one submodule read as a module of its own: its class line is
     * written {@code class GraphModule} so the fx-python reader does not take it for a split module. The number of
     * lines stays, so errors point at the log's lines.
     */
    private static String block(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(i == from && lines[i].trim().startsWith(SUBMODULE_CLASS) ? "class GraphModule(torch.nn.Module):"
                    : lines[i]).append('\n');
        }
        return sb.toString();
    }
}
