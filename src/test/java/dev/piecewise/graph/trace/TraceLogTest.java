package dev.piecewise.graph.trace;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceLogTest {

    private static final Pattern OUTPUT_GRAPH = Pattern.compile(
            "\\{\"dynamo_output_graph\".*\"frame_id\": (\\d+), \"frame_compile_id\": (\\d+), \"attempt\": (\\d+)");

    static String trace(String file) {
        return Fixtures.read(Fixtures.ROOT.resolve("traces").resolve(file));
    }

    /** The compile ids of the output graphs, found in the log's text by a regular expression. */
    static List<String> outputGraphIds(String text) {
        List<String> ids = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = OUTPUT_GRAPH.matcher(line);
            if (m.find()) {
                ids.add(m.group(1) + "/" + m.group(2));
            }
        }
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"trace_moe_view.log", "trace_graph_break.log", "trace_hf_llama.log"})
    void everyOutputGraphIsListedWithItsCompileIdAndVllmEntries(String file) {
        String text = trace(file);
        TraceLog log = TraceLog.read(text);
        assertThat(log.graphs()).extracting(g -> g.compileId().id()).containsExactlyElementsOf(outputGraphIds(text));
        for (TraceGraph g : log.graphs()) {
            assertThat(g.readable()).startsWith("class GraphModule(torch.nn.Module):");
            assertThat(g.vllmSplit()).contains("class submod_0(torch.nn.Module):");
            // The logged splitting_ops list all six custom ops of the fixtures.
            assertThat(g.splittingOps()).contains("oracle::attn", "oracle::moe", "oracle::attn2", "oracle::sdpa",
                    "vllm::unified_attention_with_output", "vllm::moe_forward");
            assertThat(text.split("\n")[g.readableLine() - 1]).isEqualTo("\t" + g.readable().split("\n")[0]);
        }
        assertThat(GraphFormat.detect(text)).isEqualTo(GraphFormat.TORCH_TRACE);
    }

    @Test
    void theGraphBreakIsAttachedToTheFrameItEnded() {
        TraceLog log = TraceLog.read(trace("trace_graph_break.log"));
        assertThat(log.graphs()).hasSize(2);
        String summary = log.graphs().get(0).breakSummary();
        assertThat(summary).startsWith("Graph break in user code at make_trace.py:68").contains("print");
        assertThat(summary.indexOf("Explanation:")).isEqualTo(summary.lastIndexOf("Explanation:"));
        assertThat(log.graphs().get(1).breakReason()).isNull();
        assertThat(log.find("1/0")).get().extracting(TraceGraph::index).isEqualTo(1);
        assertThat(log.find("0/0_1")).get().extracting(TraceGraph::index).isEqualTo(0);
        assertThat(log.find("2/0")).isEmpty();
    }

    @Test
    void vllmsSplitIsTheSplitViewWithDynamosNodeNames() {
        ParsedUpload upload = GraphFormat.TORCH_TRACE.read(trace("trace_moe_view.log"), null, 0);
        assertThat(upload.format()).isEqualTo(GraphFormat.TORCH_TRACE);
        assertThat(upload.graph().node("out").target()).isEqualTo("torch.ops.oracle.moe");
        // vLLM's split names the moe node 'moe'; in the split view it is Dynamo's 'out'.
        assertThat(upload.splitView().pieces()).extracting(p -> p.nodes())
                .anySatisfy(nodes -> assertThat(nodes).containsExactly("out"));
    }

    @Test
    void aChangedPayloadFailsItsMd5OnTheEntrysLine() {
        String text = trace("trace_moe_view.log");
        String[] lines = text.split("\n", -1);
        int payload = firstLineWith(lines, "torch.ops.oracle.moe(x, router)");
        lines[payload] = lines[payload].replace("router)", "router )");
        assertMd5FailsOnLine(String.join("\n", lines), entryAbove(lines, payload) + 1);
    }

    @Test
    void payloadsNoRunReadsAreCheckedButNotKept() {
        String text = trace("trace_moe_view.log");
        String[] lines = text.split("\n", -1);
        int guards = firstLineWith(lines, "\"dynamo_cpp_guards_str\"");
        assertThat(lines[guards]).contains("has_payload");
        assertThat(TraceLogReader.read(text, java.util.Set.of(TraceLog.OUTPUT_GRAPH)))
                .filteredOn(e -> e.type().equals("dynamo_cpp_guards_str")).singleElement()
                .satisfies(e -> assertThat(e.payload()).isNull())
                .satisfies(e -> assertThat(e.payloadLine()).isEqualTo(guards + 2));
        lines[guards + 1] = lines[guards + 1] + " changed";
        assertMd5FailsOnLine(String.join("\n", lines), guards + 1);
    }

    @Test
    void aLogMissingAnEntrysLineFailsThePayloadItsLinesJoin() {
        String[] lines = trace("trace_graph_break.log").split("\n", -1);
        int output = firstLineWith(lines, "\"dynamo_output_graph\"");
        List<String> withoutIt = new ArrayList<>(List.of(lines));
        withoutIt.remove(output);
        // Its payload lines join the entry above it, whose MD5 they break.
        assertMd5FailsOnLine(String.join("\n", withoutIt), entryAbove(lines, output - 1) + 1);
    }

    @Test
    void aLogCutInAPayloadNoRunReadsIsReported() {
        String text = trace("trace_moe_view.log");
        int graph = text.indexOf("\"dynamo_output_graph\"");
        int nextEntry = text.indexOf("\nV", graph);
        int cut = text.indexOf("\n\t", nextEntry) + 20; // inside the payload of the entry after the graph
        assertThat(text.substring(nextEntry, cut)).doesNotContain("dynamo_output_graph");
        assertThatThrownBy(() -> TraceLog.read(text.substring(0, cut)))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("MD5");
    }

    @Test
    void anEnvelopeThatIsNotJsonNamesItsLine() {
        String[] lines = trace("trace_moe_view.log").split("\n", -1);
        int entry = firstLineWith(lines, "\"dynamo_start\"");
        lines[entry] = lines[entry].replace("{\"dynamo_start\"", "{'dynamo_start'");
        assertThatThrownBy(() -> TraceLog.read(String.join("\n", lines)))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("not JSON")
                .satisfies(e -> assertThat(((GraphParseException) e).line()).isEqualTo(entry + 1));
    }

    @Test
    void aLogCutInTheMiddleOfAnEntryIsReported() {
        String text = trace("trace_graph_break.log");
        int cut = text.indexOf("\"dynamo_output_graph\"") + 30;
        String truncated = text.substring(0, cut);
        int lastLine = (int) truncated.chars().filter(c -> c == '\n').count() + 1;
        assertThatThrownBy(() -> TraceLog.read(truncated))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("ends in the middle")
                .satisfies(e -> assertThat(((GraphParseException) e).line()).isEqualTo(lastLine));
        String cutInPayload = text.substring(0, text.indexOf("linear.view(-1, 32)"));
        assertThatThrownBy(() -> TraceLog.read(cutInPayload)).isInstanceOf(GraphParseException.class)
                .hasMessageContaining("MD5");
    }

    @Test
    void aConfigWithoutSplittingOpsSplitsAtNothing() throws Exception {
        String[] lines = trace("trace_moe_view.log").split("\n", -1);
        int entry = firstLineWith(lines, "\"vllm_compilation_config\"");
        String payload = "{\"model\": \"m\", \"splitting_ops\": \"\"}";
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        lines[entry] = lines[entry].replaceAll("\"has_payload\": \"[0-9a-f]+\"", "\"has_payload\": \"" + md5 + "\"");
        lines[entry + 1] = "\t" + payload;
        assertThat(TraceLog.read(String.join("\n", lines)).graphs().get(0).splittingOps()).isEmpty();
    }

    @Test
    void unknownEntryTypesAreSkipped() {
        String text = trace("trace_moe_view.log");
        String extra = "V1130 09:24:43.000000 460 x.py:1] {\"something_new\": {\"a\": 1}, \"frame_id\": 0}\n";
        assertThat(TraceLog.read(extra + text).graphs()).hasSize(TraceLog.read(text).graphs().size());
    }

    /** The index of the entry line whose payload holds line {@code index} (or of that line, if it is an entry). */
    private static int entryAbove(String[] lines, int index) {
        while (lines[index].startsWith("\t")) {
            index--;
        }
        return index;
    }

    private static void assertMd5FailsOnLine(String log, int line) {
        assertThatThrownBy(() -> TraceLog.read(log))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("MD5")
                .satisfies(e -> assertThat(((GraphParseException) e).line()).isEqualTo(line));
    }

    private static int firstLineWith(String[] lines, String s) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(s)) {
                return i;
            }
        }
        throw new AssertionError(s + " not in the fixture");
    }
}
