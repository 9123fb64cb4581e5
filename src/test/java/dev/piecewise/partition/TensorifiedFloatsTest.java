package dev.piecewise.partition;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.FxTextParser;
import dev.piecewise.graph.format.GraphFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graphs captured with {@code torch.compile(dynamic=True)} read modules' floats from tensor inputs; real AOTAutograd
 * refuses some of their pieces with TensorifyScalarRestartAnalysis. The warning names exactly the compiled pieces of
 * the real split that read such an input, among them every piece refused so, under every option set; graphs captured
 * with dimensions marked dynamic (the corpus) never get it.
 */
class TensorifiedFloatsTest {

    private static final Path TENSORIFIED = Fixtures.ROOT.resolve("tensorified");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theWarningNamesThePiecesReadingAFloatInputAndEveryOneAotAutogradRefused() throws IOException {
        int refused = 0;
        for (Path dir : caseDirs()) {
            String fixture = "tensorified/" + dir.getFileName();
            JsonNode expected = JSON.readTree(Files.readString(dir.resolve("expected.json")));
            JsonNode graphJson = JSON.readTree(Files.readString(dir.resolve("graph.json")));
            Graph graph = GraphFormat.FX_JSON.read(graphJson.toString(), null, 0).graph();
            List<String> ops = Fixtures.strings(expected.get("splittingOps"));
            for (Map.Entry<String, JsonNode> strategy : expected.get("strategies").properties()) {
                JsonNode real = strategy.getValue();
                if (real.get("aotErrors") == null || real.get("aotErrors").isNull()) {
                    continue; // the split itself failed
                }
                String at = dir.getFileName() + " " + strategy.getKey();
                PartitionResult result = Partitioner.partition(graph, PartitionerFixtureTest.options(
                        new Fixtures.Expectation(fixture, strategy.getKey(), real, ops)));
                Optional<Diagnostic> warning = result.diagnostics().stream()
                        .filter(d -> d.code().equals("tensorified-floats")).findFirst();
                Set<String> warned = new TreeSet<>(warning.map(w -> List.of(w.message().split(" call \\.item\\(\\)")[0]
                        .split(", "))).orElse(List.of()));
                assertThat(warned).as(at).isEqualTo(piecesReadingAFloatInput(graphJson, real));
                for (Map.Entry<String, JsonNode> error : real.get("aotErrors").properties()) {
                    if (error.getValue().asString().startsWith("TensorifyScalarRestartAnalysis")) {
                        refused++;
                        assertThat(warned).as(at).contains(error.getKey());
                    }
                }
                warning.ifPresent(w -> assertThat(w.severity()).isEqualTo(Diagnostic.Severity.WARNING));
            }
        }
        assertThat(refused).as("pieces real AOTAutograd refused so").isGreaterThan(20);
    }

    /** From the real split: the compiled pieces holding an .item() of a 0-d float64 placeholder, as PyTorch saw it. */
    private static Set<String> piecesReadingAFloatInput(JsonNode graphJson, JsonNode real) {
        Set<String> floats = new TreeSet<>();
        Map<String, String> itemOf = new java.util.HashMap<>();
        for (JsonNode node : graphJson.get("nodes").values()) {
            JsonNode value = node.get("value");
            if (node.get("op").asString().equals("placeholder") && value != null && value.get("shape") != null
                    && value.get("shape").isEmpty() && value.get("dtype").asString().equals("float64")) {
                floats.add(node.get("name").asString());
            }
            if (node.get("op").asString().equals("call_method") && node.get("target").asString().equals("item")) {
                itemOf.put(node.get("name").asString(), node.get("args").get(0).get("node").asString());
            }
        }
        Set<Integer> splitting = new TreeSet<>();
        real.get("submodules").values().forEach(s -> {
            if (s.get("splitting").asBoolean()) {
                splitting.add(s.get("graphId").asInt());
            }
        });
        Set<String> pieces = new TreeSet<>();
        itemOf.forEach((item, source) -> {
            int piece = real.get("assignment").get(item).asInt();
            if (floats.contains(source) && !splitting.contains(piece)) {
                pieces.add(Submodule.nameOf(piece));
            }
        });
        return pieces;
    }

    @Test
    void anItemOfAComputedValueOrOfAnIntegerInputIsNoFloatInput() {
        String json = """
                {"format": "fx-graph-json/1", "name": "items", "nodes": [
                 {"name": "x", "op": "placeholder", "target": "x", "args": [], "kwargs": {}, "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "n", "op": "placeholder", "target": "n", "args": [], "kwargs": {}, "value": {"kind": "tensor", "shape": [], "dtype": "int64"}},
                 {"name": "s", "op": "call_method", "target": "sum", "args": [{"node": "x"}], "kwargs": {}, "value": {"kind": "tensor", "shape": [], "dtype": "float32"}},
                 {"name": "item", "op": "call_method", "target": "item", "args": [{"node": "s"}], "kwargs": {}, "value": {"kind": "symfloat", "value": "zuf0"}},
                 {"name": "item_1", "op": "call_method", "target": "item", "args": [{"node": "n"}], "kwargs": {}, "value": {"kind": "symint", "value": "u0"}},
                 {"name": "moe", "op": "call_function", "target": "torch.ops.oracle.moe", "args": [{"node": "x"}], "kwargs": {}, "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "mul", "op": "call_function", "target": "operator.mul", "args": [{"node": "moe"}, {"node": "item"}], "kwargs": {}, "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "output", "op": "output", "target": "output", "args": [[{"node": "mul"}, {"node": "item_1"}]], "kwargs": {}}
                ]}""";
        PartitionResult result = Partitioner.partition(GraphFormat.FX_JSON.read(json, null, 0).graph(),
                PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::moe"))));
        assertThat(result.diagnostics()).noneMatch(d -> d.code().equals("tensorified-floats"));
        // Without shapes any input may be a float: the same .item() of an input is warned about.
        Graph text = new FxTextParser().parse("""
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %eps : torch.Tensor [num_users=1] = placeholder[target=eps]
                    %item : [num_users=1] = call_method[target=item](args = (%eps,), kwargs = {})
                    %add : [num_users=1] = call_function[target=operator.add](args = (%x, %item), kwargs = {})
                    %moe : [num_users=1] = call_function[target=torch.ops.oracle.moe](args = (%add,), kwargs = {})
                    return (moe,)
                """, "eps");
        PartitionResult warned = Partitioner.partition(text, PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::moe"))));
        assertThat(warned.diagnostics()).filteredOn(d -> d.code().equals("tensorified-floats")).singleElement()
                .satisfies(d -> assertThat(d.message()).startsWith("submod_0 call .item() on graph inputs (item first)"));
    }

    @Test
    void graphsWithDimensionsMarkedDynamicGetNoSuchWarning() {
        for (String fixture : Fixtures.corpusCases()) {
            Graph graph = GraphFormat.FX_JSON.read(Fixtures.read(fixture, "graph.json"), null, 0).graph();
            List<String> ops = Fixtures.strings(Fixtures.expected(fixture).get("splittingOps"));
            PartitionResult result = Partitioner.partition(graph, PartitionOptions.vllmDefaults(new SplittingOps(ops)));
            assertThat(result.diagnostics()).as(fixture).noneMatch(d -> d.code().equals("tensorified-floats"));
        }
    }

    private static List<Path> caseDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(TENSORIFIED)) {
            List<Path> found = new ArrayList<>(dirs.filter(Files::isDirectory).sorted().toList());
            assertThat(found).hasSize(13);
            return found;
        }
    }
}
