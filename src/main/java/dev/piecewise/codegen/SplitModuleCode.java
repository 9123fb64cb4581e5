package dev.piecewise.codegen;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.FxNamespace;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.PythonRepr;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The Python source of a partitioned graph in the style of {@code split_module(...).print_readable()} with
 * original node names, which is what vLLM writes to its cache file computation_graph.py: the top-level
 * {@code forward} calling each {@code submod_N}, then one nested class per submodule.
 */
public final class SplitModuleCode {

    private static final String STATEMENT = "        ";
    private static final String NESTED_STATEMENT = "            ";

    private SplitModuleCode() {
    }

    /** @throws IllegalArgumentException for a run whose split failed: there is no split module to print */
    public static String render(PartitionResult result) {
        Graph graph = result.graph();
        if (graph == null) {
            throw new IllegalArgumentException("the split fails (" + result.error() + "), so there is no split module");
        }
        // What an upload could smuggle into the file: targets and verbatim arguments, and names that are no
        // identifiers (fx-json allows any); sources are written as one-line comments below.
        PythonSafety.requireWritable(graph);
        graph.nodes().stream().filter(n -> n.op() != Op.OUTPUT).forEach(n -> PythonSafety.requireIdentifier(n.name()));
        Map<String, Submodule> byName = new HashMap<>();
        result.submodules().forEach(s -> byName.put(s.name(), s));
        StringBuilder out = new StringBuilder("from __future__ import annotations\nimport torch\n");
        out.append("class GraphModule(torch.nn.Module):\n");
        topLevel(out, graph, result.emissionOrder().stream().map(byName::get).toList());
        for (Submodule submodule : result.submodules()) {
            out.append("\n    class ").append(submodule.name()).append("(torch.nn.Module):\n");
            submodule(out, graph, submodule);
        }
        return out.toString();
    }

    private static void topLevel(StringBuilder out, Graph graph, List<Submodule> emitted) {
        List<Node> placeholders = graph.nodes().stream().filter(n -> n.op() == Op.PLACEHOLDER).toList();
        out.append("    def forward(self").append(parameters(placeholders.stream().map(Node::name).toList(), graph))
                .append("):\n");
        // Statements as the top-level graph holds them: one call per submodule, then getitems of its results.
        FxNamespace names = FxNamespace.of(placeholders);
        Map<String, String> valueName = new HashMap<>();
        placeholders.forEach(p -> valueName.put(p.name(), p.name()));
        List<Statement> statements = new ArrayList<>();
        for (Submodule s : emitted) {
            // A tensor attribute a submodule takes is fetched in the top level just before the first call that
            // takes it (split_module with keep_original_order); a submodule attribute is fetched inside.
            for (SubmoduleValue input : s.inputs()) {
                Node attribute = graph.node(input.name());
                if (attribute.op() == Op.GET_ATTR && !valueName.containsKey(attribute.name())) {
                    String name = names.create(attribute.name());
                    statements.add(new Statement(name, PythonSyntax.expression(attribute, ref -> ref), List.of()));
                    valueName.put(attribute.name(), name);
                }
            }
            String call = names.create(s.name());
            List<String> inputs = s.inputs().stream().map(v -> valueName.get(v.name())).toList();
            statements.add(new Statement(call, "self." + s.name() + "(" + String.join(", ", inputs) + ")", inputs));
            if (s.outputs().size() == 1) {
                valueName.put(s.outputs().get(0).name(), call);
            } else {
                for (int i = 0; i < s.outputs().size(); i++) {
                    String item = names.create("getitem");
                    statements.add(new Statement(item, call + "[" + i + "]", List.of(call)));
                    valueName.put(s.outputs().get(i).name(), item);
                }
            }
        }
        out.append(STATEMENT).append("# No stacktrace found for following nodes\n");
        // A HashSet: Set.copyOf of hundreds of thousands of similar names probed quadratically.
        writeWithCleanups(out, STATEMENT, statements, new HashSet<>(placeholders.stream().map(Node::name).toList()),
                "return " + PythonRepr.of(graph.output().args().get(0), valueName::get), returnedNames(graph, valueName));
    }

    private static Set<String> returnedNames(Graph graph, Map<String, String> valueName) {
        Set<String> returned = new LinkedHashSet<>();
        Arg.forEachRef(graph.output().args().get(0), ref -> returned.add(valueName.get(ref)));
        return returned;
    }

    private static void submodule(StringBuilder out, Graph graph, Submodule submodule) {
        List<String> inputs = submodule.inputs().stream().map(SubmoduleValue::name).toList();
        out.append("        def forward(self").append(parameters(inputs, graph)).append("):\n");
        List<Statement> statements = new ArrayList<>();
        Map<String, String> copied = new HashMap<>();
        submodule.copies().forEach(c -> copied.put(c.name(), c.of()));
        Map<String, String> local = new HashMap<>(); // a node of the input graph -> its name in this submodule
        Function<String, String> localName = ref -> local.getOrDefault(ref, ref);
        for (String name : submodule.nodes()) {
            // A grad-mode or autocast copy is written as the node it copies, reading this submodule's own values.
            Node node = graph.node(copied.getOrDefault(name, name));
            local.put(node.name(), name);
            List<String> used = new ArrayList<>();
            node.forEachInput(ref -> used.add(localName.apply(ref)));
            statements.add(new Statement(name, PythonSyntax.expression(node, localName), used,
                    PythonSyntax.annotation(node.value()), node.source(), true));
        }
        List<String> outputs = submodule.outputs().stream().map(SubmoduleValue::name).toList();
        String result = outputs.size() == 1 ? outputs.get(0) : "(" + String.join(", ", outputs) + ")";
        writeWithCleanups(out, NESTED_STATEMENT, statements, new HashSet<>(inputs), "return " + result,
                new LinkedHashSet<>(outputs));
    }

    private static String parameters(List<String> names, Graph graph) {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            String annotation = PythonSyntax.annotation(graph.node(name).value());
            sb.append(", ").append(name).append(annotation == null ? "" : ": " + annotation);
        }
        return sb.toString();
    }

    /** One assignment; {@code withSources} prints FX's {@code # File:} comments before groups of statements. */
    private record Statement(String name, String expression, List<String> uses, String annotation, String source,
                             boolean withSources) {
        Statement(String name, String expression, List<String> uses) {
            this(name, expression, uses, null, null, false);
        }
    }

    /**
     * Writes the statements with FX's clean-ups: after its last use a value is set to None, and a value nothing
     * uses is dropped at once; parameters that nothing uses stay, and the return line deletes nothing.
     */
    private static void writeWithCleanups(StringBuilder out, String indent, List<Statement> statements,
                                          Set<String> parameters, String returnLine, Set<String> returned) {
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < statements.size(); i++) {
            for (String used : statements.get(i).uses()) {
                lastUse.put(used, i);
            }
        }
        returned.forEach(r -> lastUse.put(r, statements.size()));
        String previousSource = null;
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (s.withSources() && (i == 0 || !Objects.equals(s.source(), previousSource))) {
                if (i > 0) {
                    out.append('\n');
                }
                out.append(indent).append(s.source() == null ? "# No stacktrace found for following nodes"
                        : "# File: " + PythonSafety.oneLine(s.source())).append('\n');
                previousSource = s.source();
            }
            out.append(indent).append(s.name());
            if (s.annotation() != null) {
                out.append(": ").append(s.annotation());
            }
            out.append(" = ").append(s.expression());
            List<String> dead = new ArrayList<>();
            for (String used : new LinkedHashSet<>(s.uses())) {
                if (lastUse.get(used) == i) {
                    dead.add(used);
                }
            }
            if (!lastUse.containsKey(s.name()) && !parameters.contains(s.name())) {
                dead.add(s.name());
            }
            if (!dead.isEmpty()) {
                out.append(";  ").append(String.join(" = ", dead)).append(" = None");
            }
            out.append('\n');
        }
        out.append(indent).append(returnLine).append('\n');
    }
}
