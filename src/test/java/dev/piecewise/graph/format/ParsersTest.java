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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParsersTest {

    static Stream<Path> textAndJsonDumps() throws IOException {
        try (Stream<Path> all = Files.walk(Fixtures.ROOT)) {
            return all.filter(p -> p.toString().endsWith("graph.txt") || p.toString().endsWith("graph.json")
                    || (p.toString().endsWith(".txt") && !p.toString().contains("torch-2.11"))).sorted().toList().stream();
        }
    }

    /** Every node line of a dump is one node, and the node count matches the dump's own lines. */
    @ParameterizedTest
    @MethodSource("textAndJsonDumps")
    void everyDumpParses(Path dump) {
        String text = Fixtures.read(dump);
        Graph graph = GraphFormat.detect(text).parse(text, null);
        long expectedNodes = dump.toString().endsWith(".json")
                ? Pattern.compile("\"op\": ").matcher(text).results().count()
                : text.lines().filter(l -> l.trim().startsWith("%") || l.trim().startsWith("return")).count();
        assertThat(graph.nodes()).hasSize((int) expectedNodes);
        assertThat(graph.output().op()).isEqualTo(Op.OUTPUT);
        graph.nodes().forEach(n -> assertThat(n.value()).as(n.name()).isNotNull());
    }

    @Test
    void textAndJsonOfTheSameGraphAgreeOnStructure() {
        for (String fixture : Fixtures.cases()) {
            if (!Fixtures.exists(fixture, "graph.json")) {
                continue;
            }
            Graph text = new FxTextParser().parse(Fixtures.read(fixture, "graph.txt"), null);
            Graph json = new FxJsonParser().parse(Fixtures.read(fixture, "graph.json"), null);
            assertThat(text.nodes().stream().map(Node::name)).as(fixture).containsExactlyElementsOf(
                    json.nodes().stream().map(Node::name).toList());
            for (int i = 0; i < text.nodes().size(); i++) {
                Node t = text.nodes().get(i);
                Node j = json.nodes().get(i);
                assertThat(t.op()).as(fixture + " " + t.name()).isEqualTo(j.op());
                assertThat(refs(t)).as(fixture + " references of " + t.name()).isEqualTo(refs(j));
            }
        }
    }

    private static List<String> refs(Node node) {
        List<String> refs = new java.util.ArrayList<>();
        node.forEachInput(refs::add);
        return refs;
    }

    @Test
    void inferredKindsAgreeWithPyTorchWhereTheRulesApply() {
        // graph.json carries the kinds PyTorch saw; the text dump's inferred kinds must match them for
        // every non-tensor value (tensors are the fallback), on the fixtures, the real-model corpus and the graphs
        // whose module floats arrive as tensors read back with .item().
        List<String> fixtures = new ArrayList<>(Fixtures.cases());
        fixtures.addAll(Fixtures.corpusCases());
        fixtures.addAll(Fixtures.tensorifiedCases());
        assertThat(Fixtures.tensorifiedCases()).hasSize(13);
        for (String fixture : fixtures) {
            if (!Fixtures.exists(fixture, "graph.json")) {
                continue;
            }
            Graph text = new FxTextParser().parse(Fixtures.read(fixture, "graph.txt"), null);
            Graph json = new FxJsonParser().parse(Fixtures.read(fixture, "graph.json"), null);
            for (Node j : json.nodes()) {
                ValueKind truth = j.kind();
                ValueKind inferred = text.node(j.name()).kind();
                if (truth == ValueKind.SIZE || truth == ValueKind.TUPLE || truth.isSymbolicScalar()) {
                    assertThat(inferred).as(fixture + " " + j.name()).isEqualTo(truth);
                } else if (truth == ValueKind.TENSOR) { // and no rule takes a tensor for a number
                    assertThat(inferred.isSymbolicScalar()).as(fixture + " " + j.name() + " " + inferred).isFalse();
                }
            }
        }
    }

    @Test
    void symSumIsASymIntOfSizesAndASymFloatWithAFloat() {
        String text = """
                graph():
                    %s27 : torch.SymInt [num_users=3] = placeholder[target=s27]
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %mod : [num_users=1] = call_function[target=operator.mod](args = (%s27, 256), kwargs = {})
                    %sym_sum : [num_users=1] = call_function[target=torch.sym_sum](args = ([%s27, %mod, 1],), kwargs = {})
                    %floordiv : [num_users=1] = call_function[target=operator.floordiv](args = (%sym_sum, 256), kwargs = {})
                    %sym_sum_1 : [num_users=1] = call_function[target=torch.sym_sum](args = ([%s27, 1.5],), kwargs = {})
                    %sym_sum_2 : [num_users=1] = call_function[target=torch.sym_sum](args = ([%x, %x],), kwargs = {})
                    return (floordiv, sym_sum_1, sym_sum_2)
                """;
        Graph graph = new FxTextParser().parse(text, "sym_sum");
        assertThat(graph.node("sym_sum").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("floordiv").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("sym_sum_1").kind()).isEqualTo(ValueKind.SYMFLOAT);
        // A sum of tensors is Python's sum: a tensor, and only a guess.
        assertThat(graph.node("sym_sum_2").kind()).isEqualTo(ValueKind.TENSOR);
        assertThat(graph.node("sym_sum_2").value().guessed()).isTrue();
        assertThat(graph.node("sym_sum").value().guessed()).isFalse();
    }

    @Test
    void itemIsTheNumberItsDtypeSaysAndFloatsMakeArithmeticSymFloat() {
        // As Dynamo writes torch.compile(dynamic=True)'s module floats: a 0-d tensor read back with .item().
        String text = """
                graph():
                    %s27 : torch.SymInt [num_users=1] = placeholder[target=s27]
                    %eps : [num_users=1] = placeholder[target=eps]
                    %item : [num_users=2] = call_method[target=item](args = (%eps,), kwargs = {})
                    %truediv : [num_users=1] = call_function[target=operator.truediv](args = (2.0, %item), kwargs = {})
                    %_sym_sqrt : [num_users=1] = call_function[target=torch._sym_sqrt](args = (%truediv,), kwargs = {})
                    %mul : [num_users=1] = call_function[target=operator.mul](args = (%s27, 0.5), kwargs = {})
                    %add : [num_users=1] = call_function[target=operator.add](args = (%item, %s27), kwargs = {})
                    %mul_1 : [num_users=1] = call_function[target=operator.mul](args = (%eps, 0.5), kwargs = {})
                    %gt : [num_users=2] = call_function[target=operator.gt](args = (%eps, 0), kwargs = {})
                    %sum_1 : [num_users=1] = call_method[target=sum](args = (%gt,), kwargs = {})
                    %item_1 : [num_users=1] = call_method[target=item](args = (%sum_1,), kwargs = {})
                    %any_1 : [num_users=1] = call_method[target=view](args = (%gt, -1), kwargs = {})
                    %item_2 : [num_users=1] = call_method[target=item](args = (%any_1,), kwargs = {})
                    %tensor : [num_users=1] = call_function[target=torch.tensor](args = ([2, 3, 3],), kwargs = {})
                    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%tensor, 0), kwargs = {})
                    %item_3 : [num_users=1] = call_method[target=item](args = (%getitem,), kwargs = {})
                    %mean : [num_users=1] = call_method[target=mean](args = (%gt,), kwargs = {})
                    %item_4 : [num_users=1] = call_method[target=item](args = (%mean,), kwargs = {})
                    return (_sym_sqrt, mul, add, mul_1, item_1, item_2, item_3, item_4)
                """;
        Graph graph = new FxTextParser().parse(text, "item");
        // print(graph) gives no dtype: a SymFloat, the float case Dynamo writes, and only a guess.
        assertThat(graph.node("item").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("item").value().guessed()).isTrue();
        assertThat(graph.node("truediv").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("_sym_sqrt").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("mul").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("add").kind()).isEqualTo(ValueKind.SYMFLOAT);
        // A tensor times a float stays a tensor.
        assertThat(graph.node("mul_1").kind()).isEqualTo(ValueKind.TENSOR);
        // The ops that made a tensor can fix its dtype: a count of a comparison is an int, a comparison a bool, an
        // int literal an int; a mean is left to the guess.
        assertThat(graph.node("item_1").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("item_2").kind()).isEqualTo(ValueKind.SYMBOOL);
        assertThat(graph.node("item_3").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("item_1").value().guessed()).isFalse();
        assertThat(graph.node("item_4").kind()).isEqualTo(ValueKind.SYMFLOAT);
        assertThat(graph.node("item_4").value().guessed()).isTrue();

        // Where the tensor's dtype is known, it decides: ints give a SymInt, bool a SymBool, floats a SymFloat.
        for (String[] dtypeAndKind : new String[][]{{"int64", "SYMINT"}, {"bool", "SYMBOOL"}, {"bfloat16", "SYMFLOAT"}}) {
            Graph json = new FxJsonParser().parse(JSON_HEAD
                    + "  {\"name\": \"t\", \"op\": \"placeholder\", \"target\": \"t\", \"value\": {\"kind\": \"tensor\", "
                    + "\"shape\": [], \"dtype\": \"" + dtypeAndKind[0] + "\"}},\n"
                    + "  {\"name\": \"item\", \"op\": \"call_function\", "
                    + "\"target\": \"torch.ops.aten._local_scalar_dense.default\", \"args\": [{\"node\": \"t\"}]},"
                    + JSON_TAIL.replace("[null]", "[{\"node\": \"item\"}]"), null);
            assertThat(json.node("item").kind()).as(dtypeAndKind[0]).isEqualTo(ValueKind.valueOf(dtypeAndKind[1]));
            assertThat(json.node("item").value().guessed()).isFalse();
        }
    }

    @Test
    void comparisonsOfSizesAreSymBoolsAndOfTensorsTensors() {
        String text = """
                graph():
                    %s27 : torch.SymInt [num_users=3] = placeholder[target=s27]
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %eq : [num_users=1] = call_function[target=operator.eq](args = (%s27, 1), kwargs = {})
                    %sym_not : [num_users=1] = call_function[target=torch.sym_not](args = (%eq,), kwargs = {})
                    %gt : [num_users=1] = call_function[target=operator.gt](args = (%s27, %s27), kwargs = {})
                    %ge : [num_users=1] = call_function[target=operator.ge](args = (%x, 0), kwargs = {})
                    return (sym_not, gt, ge)
                """;
        Graph graph = new FxTextParser().parse(text, "comparisons");
        assertThat(graph.node("eq").kind()).isEqualTo(ValueKind.SYMBOOL);
        assertThat(graph.node("sym_not").kind()).isEqualTo(ValueKind.SYMBOOL);
        assertThat(graph.node("gt").kind()).isEqualTo(ValueKind.SYMBOOL);
        assertThat(graph.node("eq").value().guessed()).isFalse();
        // A tensor compared is a tensor (a mask), as every such node of the corpus is.
        assertThat(graph.node("ge").kind()).isEqualTo(ValueKind.TENSOR);
    }

    @Test
    void pytorch1SpellingParses() {
        Graph graph = new FxTextParser().parse(Fixtures.read(Fixtures.ROOT.resolve("formats/torch-1.13-symbolic-trace.txt")), null);
        Node cat = graph.node("cat");
        assertThat(cat.args().get(0)).isEqualTo(new Arg.ListArg(List.of(new Arg.Ref("add"), new Arg.Ref("x"))));
        assertThat(cat.kwargs().get("dim")).isEqualTo(new Arg.IntLit(-1));
        assertThat(graph.node("getattr_1").kind()).isEqualTo(ValueKind.SIZE);
        assertThat(graph.node("getitem").kind()).isEqualTo(ValueKind.SYMINT);
        assertThat(graph.node("b").op()).isEqualTo(Op.GET_ATTR);
        Node slice = graph.node("getitem_1");
        assertThat(slice.args().get(1)).isEqualTo(new Arg.Tuple(List.of(
                new Arg.Slice(Arg.NONE, Arg.NONE, Arg.NONE), new Arg.Slice(new Arg.IntLit(1), new Arg.IntLit(3), Arg.NONE))));
        Arg returned = graph.output().args().get(0);
        assertThat(returned).isEqualTo(new Arg.Tuple(List.of(new Arg.Ref("getitem_1"),
                new Arg.Dict(java.util.Map.of("k", new Arg.Ref("add"))))));
    }

    @Test
    void quirksOfPrintedArguments() {
        String text = """
                graph():
                    %x : torch.Tensor [num_users=4] = placeholder[target=x]
                    %n : [num_users=1] = call_function[target=operator.floordiv](args = (%x, 2), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.vllm.unified_attention_with_output](args = (%x, %x, model.layers.0.self_attn.attn), kwargs = {})
                    %t : [num_users=1] = call_method[target=to](args = (%x, torch.float32), kwargs = {device: cpu, eps: 1e-06, lo: -inf, hi: inf, nothing: None, flag: True})
                    %s : [num_users=1] = call_function[target=operator.getitem](args = (%x, (slice(None, n, None), ...)), kwargs = {})
                    return (s, {'a': a, 't': [t, n]})
                """;
        Graph graph = new FxTextParser().parse(text, "quirks");
        assertThat(graph.node("a").args().get(2)).isEqualTo(new Arg.Str("model.layers.0.self_attn.attn"));
        Node t = graph.node("t");
        assertThat(t.args().get(1)).isEqualTo(new Arg.Repr("torch.float32"));
        assertThat(t.kwargs()).containsEntry("device", new Arg.Str("cpu")).containsEntry("eps", new Arg.FloatLit("1e-06"))
                .containsEntry("lo", new Arg.FloatLit("-inf")).containsEntry("hi", new Arg.FloatLit("inf"))
                .containsEntry("nothing", Arg.NONE).containsEntry("flag", new Arg.BoolLit(true));
        // Inside slice(...) FX prints nodes without '%'.
        assertThat(graph.node("s").args().get(1)).isEqualTo(new Arg.Tuple(List.of(
                new Arg.Slice(Arg.NONE, new Arg.Ref("n"), Arg.NONE), new Arg.Repr("Ellipsis"))));
        assertThat(graph.output().name()).isEqualTo("output");
    }

    @Test
    void outputNodeGetsAFreshNameWhenOutputIsTaken() {
        Graph graph = new FxTextParser().parse(Fixtures.read("vllm_moe_lm", "graph.txt"), null);
        assertThat(graph.output().name()).isEqualTo(new FxJsonParser().parse(Fixtures.read("vllm_moe_lm", "graph.json"), null)
                .output().name());
    }

    @Test
    void errorsNameLineAndColumn() {
        assertThatThrownBy(() -> new FxTextParser().parse("graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y : [num_users=1] = call_function[target=f](args = (%x, ), kwargs = {)\n    return y", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(75);
                });
        assertThatThrownBy(() -> new FxTextParser().parse("graph():\n  %x : [num_users=1] = teleport[target=x]\n", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("teleport");
                });
        assertThatThrownBy(() -> new FxTextParser().parse("graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y : [num_users=1] = call_function[target=f](args = (%x, don't), kwargs = {})\n    return y", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("quote");
                });
        assertThatThrownBy(() -> GraphFormat.detect("hello"))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("graph():");
        assertThatThrownBy(() -> new FxJsonParser().parse("{\"format\": \"fx-graph-json/1\",\n \"nodes\": [{\"name\": \"x\", \"op\": \"warp\"}]}", null))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(12);
                });
    }

    @Test
    void scaleDumpHasTheAdvertisedSize() {
        Graph graph = new FxTextParser().parse(Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-1000-layers.txt")), null);
        assertThat(graph.nodes()).hasSize(11_002);
        Matcher m = Pattern.compile("oracle\\.attn").matcher(Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-1000-layers.txt")));
        assertThat(m.results().count()).isEqualTo(graph.nodes().stream().filter(n -> n.target().contains("oracle.attn")).count());
    }

    private static GraphParseException jsonError(String json) {
        try {
            new FxJsonParser().parse(json, null);
        } catch (GraphParseException e) {
            return e;
        }
        throw new AssertionError("expected a GraphParseException for " + json);
    }

    private static final String JSON_HEAD = "{\"format\": \"fx-graph-json/1\",\n \"nodes\": [\n";
    private static final String JSON_TAIL = "\n  {\"name\": \"output\", \"op\": \"output\", \"args\": [null]}]}";

    /** RFC 8259, strictly: what a lenient reader would accept and silently turn into a different graph. */
    @Test
    void jsonIsStrictAndErrorsCarryJacksonsTokenLocation() {
        GraphParseException nan = jsonError(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"get_attr\", \"args\": [NaN]}," + JSON_TAIL);
        assertThat(nan.line()).isEqualTo(3);
        assertThat(nan.column()).isBetween(44, 47); // Jackson reports where it stopped reading the bad token
        assertThat(nan.reason()).contains("NaN");
        GraphParseException infinity = jsonError(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"get_attr\", \"args\": [-Infinity]}," + JSON_TAIL);
        assertThat(infinity.line()).isEqualTo(3);
        GraphParseException leadingZero = jsonError(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"get_attr\", \"args\": [01]}," + JSON_TAIL);
        assertThat(leadingZero.line()).isEqualTo(3);
        assertThat(leadingZero.reason()).containsIgnoringCase("leading zero");
        GraphParseException tab = jsonError(JSON_HEAD + "  {\"name\": \"c\\td\", \"op\": \"get_attr\"},\n  {\"name\": \"a\tb\", \"op\": \"get_attr\"}," + JSON_TAIL);
        assertThat(tab.line()).isEqualTo(4);
        assertThat(tab.reason()).contains("CTRL-CHAR, code 9");
        GraphParseException duplicate = jsonError(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"get_attr\",\n   \"name\": \"d\"}," + JSON_TAIL);
        assertThat(duplicate.line()).isEqualTo(4);
        assertThat(duplicate.reason()).containsIgnoringCase("duplicate").contains("name");
        GraphParseException trailing = jsonError(JSON_HEAD.replace(",\n \"nodes\": [\n", "}\n{"));
        assertThat(trailing.line()).isEqualTo(2);
        GraphParseException longNumber = jsonError(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"get_attr\", \"args\": ["
                + "9".repeat(5000) + "]}," + JSON_TAIL);
        assertThat(longNumber.line()).isEqualTo(3);
        assertThat(longNumber.reason()).contains("Jackson's limits");
        GraphParseException truncated = jsonError(JSON_HEAD + "  {\"name\": \"c\"");
        assertThat(truncated.line()).isEqualTo(3);
        // An escaped tab and a big int are fine; the int too large for a long is kept as written.
        Graph graph = new FxJsonParser().parse(JSON_HEAD + "  {\"name\": \"c\", \"op\": \"call_function\", \"target\": \"f\\tg\","
                + " \"args\": [123456789012345678901234567890]}," + JSON_TAIL.replace("[null]", "[{\"node\": \"c\"}]"), null);
        assertThat(graph.node("c").target()).isEqualTo("f\tg");
        assertThat(graph.node("c").args()).containsExactly(new Arg.Repr("123456789012345678901234567890"));
    }

    @Test
    void textDumpsWithAnyLineEndingParseAlike() {
        String text = Fixtures.read("moe_view", "graph.txt");
        Graph lf = new FxTextParser().parse(text, null);
        assertThat(new FxTextParser().parse(text.replace("\n", "\r\n"), null).nodes()).isEqualTo(lf.nodes());
        assertThat(new FxTextParser().parse(text.replace("\n", "\r"), null).nodes()).isEqualTo(lf.nodes());
        assertThat(GraphFormat.detect(text.replace("\n", "\r"))).isEqualTo(GraphFormat.FX_TEXT);
        GraphParseException e = assertThrowsParse(() -> new FxTextParser().parse(
                "graph():\r    %x : [num_users=1] = placeholder[target=x]\r    %y : [num_users=1] = nope\r", null));
        assertThat(e.line()).isEqualTo(3);
        GraphParseException detect = assertThrowsParse(() -> GraphFormat.detect("\r\n\r\n   hello"));
        assertThat(detect.line()).isEqualTo(3);
        assertThat(detect.column()).isEqualTo(4);
    }

    @Test
    void largeIntsInTextDumpsAreKeptAsWritten() {
        Graph graph = new FxTextParser().parse("graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y : [num_users=1] = call_function[target=operator.add](args = (%x, 123456789012345678901234567890), kwargs = {})\n"
                + "    return y", null);
        assertThat(graph.node("y").args().get(1)).isEqualTo(new Arg.Repr("123456789012345678901234567890"));
    }

    private static GraphParseException assertThrowsParse(Runnable action) {
        try {
            action.run();
        } catch (GraphParseException e) {
            return e;
        }
        throw new AssertionError("expected a GraphParseException");
    }
}
