package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FxPythonParserTest {

    record PythonDump(String fixtureCase, String file) {
        @Override
        public String toString() {
            return fixtureCase + "/" + file;
        }
    }

    static Stream<PythonDump> pythonDumps() {
        return Fixtures.cases().stream().filter(c -> Fixtures.exists(c, "graph.json"))
                .flatMap(c -> Stream.of(new PythonDump(c, "readable.py"), new PythonDump(c, "code.py")));
    }

    /** The same graph as graph.json: nodes, ops, targets, arguments; kinds, shapes and dtypes where annotated. */
    @ParameterizedTest
    @MethodSource("pythonDumps")
    void parsesIntoTheSameGraphAsItsJson(PythonDump dump) {
        String text = Fixtures.read(dump.fixtureCase(), dump.file());
        assertThat(GraphFormat.detect(text)).isEqualTo(GraphFormat.FX_PYTHON);
        Graph python = GraphFormat.FX_PYTHON.parse(text, null);
        Graph json = new FxJsonParser().parse(Fixtures.read(dump.fixtureCase(), "graph.json"), null);
        assertThat(python.nodes().stream().map(Node::name)).containsExactlyElementsOf(json.nodes().stream().map(Node::name).toList());
        for (int i = 0; i < json.nodes().size(); i++) {
            Node p = python.nodes().get(i);
            Node j = json.nodes().get(i);
            String where = dump + " " + j.name();
            assertThat(p.op()).as(where).isEqualTo(j.op());
            assertThat(p.canonicalTarget()).as(where).isEqualTo(j.canonicalTarget());
            assertThat(p.args()).as(where + " args").isEqualTo(j.args());
            assertThat(p.kwargs()).as(where + " kwargs").isEqualTo(j.kwargs());
            if (p.typeExpr() != null && p.typeExpr().contains("[") || p.typeExpr() != null && p.typeExpr().startsWith("Sym(")) {
                assertThat(p.kind()).as(where + " kind").isEqualTo(j.kind());
                assertThat(p.value().shape()).as(where + " shape").isEqualTo(j.value().shape());
                assertThat(p.value().dtype()).as(where + " dtype").isEqualTo(j.value().dtype());
            }
        }
        assertThat(python.carriesShapes()).isEqualTo(dump.file().equals("readable.py"));
    }

    @Test
    void symbolicTraceCodeParses() {
        Graph graph = GraphFormat.FX_PYTHON.parse(Fixtures.read("st_moe_view", "code.py"), null);
        Graph text = new FxTextParser().parse(Fixtures.read("st_moe_view", "graph.txt"), null);
        assertThat(graph.nodes().stream().map(Node::name)).containsExactlyElementsOf(text.nodes().stream().map(Node::name).toList());
        assertThat(graph.node("getattr_1").target()).isEqualTo("builtins.getattr");
        assertThat(graph.node("getattr_1").args()).containsExactly(new Arg.Ref("x"), new Arg.Str("shape"));
        assertThat(graph.node("getattr_1").kind()).isEqualTo(ValueKind.SIZE);
        assertThat(graph.node("gate").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.node("getitem").args()).containsExactly(new Arg.Ref("getattr_1"), new Arg.IntLit(-1));
    }

    @Test
    void operatorsMapToTheirOperatorTargets() {
        String code = """
                def forward(self, a : torch.Tensor, b : torch.Tensor, n : torch.SymInt):
                    add = a + b
                    neg = -a
                    matmul = a @ b
                    floordiv = n // 2
                    lt = a < b
                    inv = ~a
                    p = self.weight
                    return (add, neg, matmul, floordiv, lt, inv, p)
                """;
        Graph graph = GraphFormat.FX_PYTHON.parse(code, null);
        assertThat(graph.nodes().stream().filter(n -> n.op() == Op.CALL_FUNCTION).map(Node::target)).containsExactly(
                "operator.add", "operator.neg", "operator.matmul", "operator.floordiv", "operator.lt", "operator.invert");
        assertThat(graph.node("floordiv").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("p").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("n").kind()).isEqualTo(ValueKind.SYMINT);
    }

    @Test
    void errorsPointAtLineAndColumn() {
        String code = """
                class GraphModule(torch.nn.Module):
                    def forward(self, x: "f32[s0, 4]"):
                        y: "f32[s0, 4]" = x.relu()
                        z: "f32[s0, 4]" = torch.add(y, w);  y = None
                        return (z,)
                """;
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.parse(code, null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.column()).isEqualTo(code.split("\n")[3].indexOf("w)") + 1);
                    assertThat(e.getMessage()).contains("'w'");
                });
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.parse("def forward(self, x):\n    y = x.view(\n", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> assertThat(e.line()).isEqualTo(2));
    }

    @Test
    void annotationsGiveShapesAndSymbols() {
        Graph graph = GraphFormat.FX_PYTHON.parse(Fixtures.read("symint_multi", "readable.py"), null);
        assertThat(graph.node("floordiv").value().expr()).isEqualTo("(s77//2)");
        assertThat(graph.node("y_1").value().shape()).isEqualTo(List.of("(s77//2)", "32"));
        assertThat(graph.node("y_1").value().freeSymbols()).containsExactly("s77");
    }

    @Test
    void inPlaceOperatorsAndModuleListPaths() {
        String code = """
                def forward(self, x : torch.Tensor, y : torch.Tensor):
                    getattr_1 = getattr(self.layers, "0").weight
                    lin = getattr(self.layers, "0").lin(x)
                    x += y;  iadd = x;  x = y = None
                    return (iadd, lin, getattr_1)
                """;
        Graph graph = GraphFormat.FX_PYTHON.parse(code, null);
        assertThat(graph.node("getattr_1").op()).isEqualTo(Op.GET_ATTR);
        assertThat(graph.node("getattr_1").target()).isEqualTo("layers.0.weight");
        assertThat(graph.node("lin").op()).isEqualTo(Op.CALL_MODULE);
        assertThat(graph.node("lin").target()).isEqualTo("layers.0.lin");
        assertThat(graph.node("iadd").target()).isEqualTo("operator.iadd");
        assertThat(graph.node("iadd").args()).containsExactly(new Arg.Ref("x"), new Arg.Ref("y"));
    }
}
