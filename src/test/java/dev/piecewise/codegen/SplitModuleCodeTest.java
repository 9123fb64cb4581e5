package dev.piecewise.codegen;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The code of a run is what vLLM writes to computation_graph.py for the same graph and options. */
class SplitModuleCodeTest {

    static Stream<String> splitModules() {
        return Fixtures.cases().stream().filter(c -> Fixtures.exists(c, "computation_graph.py"));
    }

    @ParameterizedTest
    @MethodSource("splitModules")
    void submodulesAreWrittenAsVllmWritesThem(String fixture) {
        Graph graph = GraphFormat.FX_PYTHON.parse(Fixtures.read(fixture, "readable.py"), fixture);
        List<String> ops = Fixtures.strings(Fixtures.expected(fixture).get("splittingOps"));
        String code = SplitModuleCode.render(Partitioner.partition(graph, PartitionOptions.vllmDefaults(new SplittingOps(ops))));
        String expected = Fixtures.read(fixture, "computation_graph.py");
        assertThat(nestedClasses(code)).isEqualTo(nestedClasses(expected));
        assertThat(topLevelStatements(code)).isEqualTo(topLevelStatements(expected));
    }

    /** Everything from the first nested class on. */
    private static String nestedClasses(String code) {
        return code.substring(code.indexOf("\n    class submod_")).stripTrailing();
    }

    /** The top-level forward's body (its signature's parameter order follows the upload, not vLLM's). */
    private static String topLevelStatements(String code) {
        int start = code.indexOf('\n', code.indexOf("    def forward(")) + 1;
        return code.substring(start, code.indexOf("\n    class submod_"));
    }
}
