package dev.piecewise.codegen;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Test;
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

    /**
     * A submodule that split_module gives copies of the autocast and grad-mode nodes sets them up before its own
     * nodes and exits the autocast after them, each written as the upload writes the node it copies.
     */
    @Test
    void globalStateCopiesAreWrittenInTheSubmodulesThatGetThem() {
        String code = renderedAtAttn(GraphFormat.FX_JSON.parse(Fixtures.read("corpus/custom_grad_autocast", "graph.json"),
                "custom_grad_autocast"));
        List<String> upload = Fixtures.read("corpus/custom_grad_autocast", "readable.py").lines().map(String::strip).toList();
        String enter = statement(upload, "_enter_autocast");
        String gradOn = statement(upload, "_set_grad_enabled_1").replace("_set_grad_enabled_1", "_set_grad_enabled");
        String exit = statement(upload, "_exit_autocast");
        String submod3 = code.substring(code.indexOf("class submod_3("), code.indexOf("class submod_4("));
        List<String> body = submod3.lines().map(String::strip).filter(l -> l.startsWith("_") || l.startsWith("g_1"))
                .map(l -> l.replaceFirst(": \"[^\"]*\"", "")).toList();
        assertThat(body).containsExactly(enter, gradOn, "g_1 = torch.ops.oracle.attn(g);  g = None", exit);
    }

    /**
     * torch.cond's branches are submodule attributes: the submodule calling the cond fetches them itself rather than
     * taking them as inputs, and the top level does not fetch them; a tensor attribute is fetched in the top level
     * just before the first call that takes it.
     */
    @Test
    void submoduleAttributesAreFetchedWhereUsedNotPassed() {
        String code = renderedAtAttn(GraphFormat.FX_TEXT.parse(Fixtures.read("corpus/custom_cond", "graph.txt"),
                "custom_cond"));
        String topLevel = code.substring(0, code.indexOf("    class submod_"));
        assertThat(topLevel).contains("submod_2 = self.submod_2(submod_1, s77)").doesNotContain("self.cond_true_0");
        String submod2 = code.substring(code.indexOf("class submod_2("), code.indexOf("class submod_3("));
        assertThat(submod2).contains("def forward(self, y, s77):", "cond_true_0 = self.cond_true_0",
                "cond_false_0 = self.cond_false_0");

        Graph constant = GraphFormat.FX_TEXT.parse("""
                graph():
                    %x : torch.Tensor [num_users=1] = placeholder[target=x]
                    %y : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %table : [num_users=1] = get_attr[target=table]
                    %add : [num_users=1] = call_function[target=operator.add](args = (%y, %table), kwargs = {})
                    return (add,)
                """, "constant");
        String withConstant = renderedAtAttn(constant);
        String constantTopLevel = withConstant.substring(0, withConstant.indexOf("    class submod_"));
        // After the attention's call, just before the call that takes it.
        assertThat(constantTopLevel.indexOf("table = self.table"))
                .isGreaterThan(constantTopLevel.indexOf(" = self.submod_"))
                .isLessThan(constantTopLevel.indexOf(" = self.submod_", constantTopLevel.indexOf("table = self.table")));
        assertThat(constantTopLevel).containsPattern("= self\\.submod_\\d\\(submod_\\d, table\\)");
    }

    /** The code of the graph split at {@code oracle::attn} under vLLM's defaults. */
    private static String renderedAtAttn(Graph graph) {
        return SplitModuleCode.render(Partitioner.partition(graph,
                PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn")))));
    }

    /** The upload's statement that assigns to the node {@code name}. */
    private static String statement(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + " = ")).findFirst().orElseThrow();
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
