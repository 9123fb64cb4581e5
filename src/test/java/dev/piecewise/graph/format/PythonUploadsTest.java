package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.ValueKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TORCH_LOGS excerpts and vLLM's computation_graph.py. */
class PythonUploadsTest {

    private static final String LOG = Fixtures.read(Fixtures.ROOT.resolve("formats/torch-2.11-TORCH_LOGS-graph_code.log"));

    @Test
    void logExcerptHoldsTwoGraphsWithTheirShapes() {
        assertThat(GraphFormat.detect(LOG)).isEqualTo(GraphFormat.FX_PYTHON);
        ParsedUpload first = GraphFormat.FX_PYTHON.read(LOG, null, 0);
        assertThat(first.graphCount()).isEqualTo(2);
        // The first graph is moe_view: the same nodes as PyTorch exported for it.
        assertThat(first.graph().nodes().stream().map(Node::name))
                .containsExactlyElementsOf(Fixtures.originalNodeNames("moe_view"));
        // Strides and devices after the shape are not part of it.
        assertThat(first.graph().node("x").value().shape()).containsExactly("s77", "32");
        assertThat(first.graph().carriesShapes()).isTrue();

        ParsedUpload second = GraphFormat.FX_PYTHON.read(LOG, null, 1);
        assertThat(second.graphIndex()).isEqualTo(1);
        assertThat(second.graph().nodes().stream().filter(n -> n.target().contains("moe_forward"))).hasSize(2);
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.read(LOG, null, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 2 graphs");
    }

    @Test
    void errorsInsideALogPointAtTheOriginalLineAndColumn() {
        String[] lines = LOG.split("\n", -1);
        int broken = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("router: \"f32[s77, 4]")) {
                broken = i;
                break;
            }
        }
        lines[broken] = lines[broken].replace("torch._C._nn.linear(x,", "torch._C._nn.linear(nope,");
        String text = String.join("\n", lines);
        int line = broken + 1;
        int column = lines[broken].indexOf("nope") + 1;
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.read(text, null, 0))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                });
    }

    static Stream<String> splitModules() {
        return Fixtures.cases().stream().filter(c -> Fixtures.exists(c, "computation_graph.py"));
    }

    /** vLLM's cache file loads as the submodules split_module made under the default option set. */
    @ParameterizedTest
    @MethodSource("splitModules")
    void computationGraphLoadsAsTheDefaultSplit(String fixture) {
        ParsedUpload upload = GraphFormat.FX_PYTHON.read(Fixtures.read(fixture, "computation_graph.py"), fixture, 0);
        assertThat(upload.splitView()).isNotNull();
        List<JsonNode> expected = List.copyOf(Fixtures.expected(fixture).get("strategies").get("decompose|vllm|merge")
                .get("submodules").values());
        List<SplitView.Piece> pieces = upload.splitView().pieces().stream()
                .sorted((a, b) -> Integer.compare(a.graphId(), b.graphId())).toList();
        assertThat(pieces).hasSize(expected.size());
        for (int i = 0; i < pieces.size(); i++) {
            SplitView.Piece piece = pieces.get(i);
            JsonNode sub = expected.get(i);
            String where = fixture + " " + piece.name();
            assertThat(piece.name()).isEqualTo(sub.get("name").asString());
            assertThat(piece.nodes()).as(where + " nodes").isEqualTo(Fixtures.strings(sub.get("nodes")));
            assertThat(piece.inputs().stream().map(SplitView.Value::name)).as(where + " inputs")
                    .containsExactlyElementsOf(Fixtures.strings(sub.get("inputs")));
            assertThat(piece.inputs().stream().map(v -> v.kind().id())).as(where + " input kinds")
                    .containsExactlyElementsOf(Fixtures.strings(sub.get("inputKinds")));
            assertThat(piece.outputs().stream().map(SplitView.Value::name)).as(where + " outputs")
                    .containsExactlyElementsOf(Fixtures.strings(sub.get("outputs")));
            assertThat(piece.outputs().stream().map(v -> v.kind() == ValueKind.NONE ? "none" : v.kind().id()))
                    .as(where + " output kinds").containsExactlyElementsOf(Fixtures.strings(sub.get("outputKinds")));
        }
    }

    /** Errors found while inlining a split module point at the statement at fault, not at the upload's start. */
    @Test
    void splitModuleErrorsPointAtTheStatement() {
        String original = Fixtures.read("moe_view", "computation_graph.py");
        String extra = original.replace("        getitem_1 = submod_0[1]\n",
                "        getitem_1 = submod_0[1]\n        relu = getitem_1.relu()\n");
        String[] lines = extra.split("\n", -1);
        int line = java.util.Arrays.asList(lines).indexOf("        relu = getitem_1.relu()") + 1;
        assertThat(line).isPositive();
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.read(extra, null, 0))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(9);
                    assertThat(e.reason()).contains("'relu'");
                });
        String crlf = original.replace("\n", "\r\n");
        assertThat(GraphFormat.FX_PYTHON.read(crlf, null, 0).graph().nodes())
                .isEqualTo(GraphFormat.FX_PYTHON.read(original, null, 0).graph().nodes());
    }
}
