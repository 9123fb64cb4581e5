package dev.piecewise.partition;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graphs captured with {@code torch.compile(dynamic=True)} read modules' floats from tensor inputs; real AOTAutograd
 * refuses some of their pieces with TensorifyScalarRestartAnalysis. The warning names every such piece, under every
 * option set, and graphs captured with dimensions marked dynamic (the corpus) never get it.
 */
class TensorifiedFloatsTest {

    private static final Path TENSORIFIED = Fixtures.ROOT.resolve("tensorified");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theWarningNamesEveryPieceAotAutogradRefusedForATensorifiedFloat() throws IOException {
        int refused = 0;
        for (Path dir : caseDirs()) {
            JsonNode expected = JSON.readTree(Files.readString(dir.resolve("expected.json")));
            Graph graph = GraphFormat.FX_JSON.read(Files.readString(dir.resolve("graph.json")), null, 0).graph();
            List<String> ops = Fixtures.strings(expected.get("splittingOps"));
            for (Map.Entry<String, JsonNode> strategy : expected.get("strategies").properties()) {
                JsonNode errors = strategy.getValue().get("aotErrors");
                if (errors == null || errors.isNull()) {
                    continue; // the split itself failed
                }
                PartitionResult result = Partitioner.partition(graph, options(ops, strategy.getKey()));
                Optional<Diagnostic> warning = result.diagnostics().stream()
                        .filter(d -> d.code().equals("tensorified-floats")).findFirst();
                for (Map.Entry<String, JsonNode> error : errors.properties()) {
                    if (!error.getValue().asString().startsWith("TensorifyScalarRestartAnalysis")) {
                        continue;
                    }
                    refused++;
                    assertThat(warning).as(dir.getFileName() + " " + strategy.getKey()).isPresent();
                    assertThat(List.of(warning.get().message().split(" call \\.item\\(\\)")[0].split(", ")))
                            .as(dir.getFileName() + " " + strategy.getKey()).contains(error.getKey());
                }
                assertThat(warning.map(Diagnostic::severity)).hasValueSatisfying(s -> assertThat(s).isEqualTo(Diagnostic.Severity.WARNING));
            }
        }
        assertThat(refused).as("pieces real AOTAutograd refused so").isGreaterThan(20);
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

    private static PartitionOptions options(List<String> ops, String key) {
        String[] k = key.split("\\|");
        boolean merge = k[2].equals("merge");
        return new PartitionOptions(new SplittingOps(ops), SizeStrategy.fromId(k[0]), GetitemRule.fromId(k[1]), merge, merge);
    }

    private static List<Path> caseDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(TENSORIFIED)) {
            List<Path> found = new ArrayList<>(dirs.filter(Files::isDirectory).sorted().toList());
            assertThat(found).hasSize(3);
            return found;
        }
    }
}
