package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** TORCH_LOGS excerpts and vLLM's computation_graph.py over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiPythonUploadsTest {

    private static final byte[] LOG = Fixtures.read(Fixtures.ROOT.resolve("formats/torch-2.11-TORCH_LOGS-graph_code.log"))
            .getBytes(StandardCharsets.UTF_8);
    private static final String ORACLE_OPS = "oracle::moe, vllm::unified_attention_with_output, vllm::moe_forward";

    @LocalServerPort
    int port;

    @Test
    void logExcerptPicksAGraphAndSaysHowManyThereAre() {
        HttpApi api = new HttpApi(port);
        JsonNode first = api.postMultipart("dynamo.log", LOG, Map.of("splittingOps", ORACLE_OPS)).json();
        assertThat(first.get("format").asString()).isEqualTo("fx-python");
        assertThat(first.get("graph").get("graphsInUpload").asInt()).isEqualTo(2);
        assertThat(first.get("graph").get("graphIndex").asInt()).isEqualTo(0);
        assertThat(first.get("graph").get("nodeCount").asInt()).isEqualTo(9);
        assertThat(first.get("verdict").get("outcome").asString()).isEqualTo("ok");

        JsonNode second = api.postMultipart("dynamo.log", LOG, Map.of("splittingOps", ORACLE_OPS, "graphIndex", "1")).json();
        assertThat(second.get("graph").get("graphIndex").asInt()).isEqualTo(1);
        assertThat(second.get("submodules").size()).isGreaterThan(3);

        HttpApi.Response outOfRange = api.postMultipart("dynamo.log", LOG, Map.of("graphIndex", "2"));
        assertThat(outOfRange.status()).isEqualTo(400);
        assertThat(outOfRange.json().get("option").asString()).isEqualTo("graphIndex");
        assertThat(outOfRange.json().get("detail").asString()).contains("holds 2 graphs");
    }

    /** The format is told from the upload's start, unless only a graph further on tells it. */
    @Test
    void aLogWhoseGraphStartsAfterALongPreambleIsStillAGraphLog() {
        String preamble = "I1130 10:00:00.000000 4242 torch/_dynamo/convert_frame.py:1000] [0/0] tracing the model\n"
                .repeat(1200); // 100 KB before the first 'def forward('
        assertThat(preamble.length()).isGreaterThan(UploadText.HEAD);
        HttpApi.Response response = new HttpApi(port).postRaw((preamble + new String(LOG, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8), "text/plain", Map.of("splittingOps", ORACLE_OPS));
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.json().get("format").asString()).isEqualTo("fx-python");
        assertThat(response.json().get("graph").get("nodeCount").asInt()).isEqualTo(9);
    }

    @Test
    void parseErrorInsideALogPointsAtTheUpload() {
        String log = new String(LOG, StandardCharsets.UTF_8);
        String[] lines = log.split("\n", -1);
        int broken = List.of(lines).indexOf(List.of(lines).stream().filter(l -> l.contains("= out.view(size)"))
                .findFirst().orElseThrow());
        lines[broken] = lines[broken].replace("out.view(size)", "out.view(size");
        HttpApi.Response response = new HttpApi(port).postRaw(String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
                "text/plain", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("line").asInt()).isEqualTo(broken + 1);
        assertThat(response.json().get("column").asInt()).isGreaterThan(lines[broken].indexOf("out.view"));
    }

    static Stream<String> splitModules() {
        return Fixtures.cases().stream().filter(c -> Fixtures.exists(c, "computation_graph.py"));
    }

    /**
     * Inlining puts a merged allocation back next to the subgraph it was merged into, ahead of the splitting op
     * it used to follow; re-partitioning that order merges the two consecutive splitting ops instead.
     */
    @Test
    void inliningAMergedAllocationChangesTheCut() {
        JsonNode run = new HttpApi(port).postMultipart("computation_graph.py",
                Fixtures.read("empty_alloc_merge", "computation_graph.py").getBytes(StandardCharsets.UTF_8),
                Map.of("splittingOps", "oracle::attn, vllm::unified_attention_with_output")).json();
        assertThat(run.get("splitView").get("sameAsRepartition").asBoolean()).isFalse();
        assertThat(run.get("splitView").get("differences").get(0).asString()).startsWith("submod_1 nodes differ");
    }

    @ParameterizedTest
    @MethodSource("splitModules")
    void computationGraphShowsVllmsSplitAndThatRepartitioningAgrees(String fixture) {
        JsonNode expected = Fixtures.expected(fixture);
        String ops = String.join(",", Fixtures.strings(expected.get("splittingOps")));
        JsonNode run = new HttpApi(port).postMultipart("computation_graph.py",
                Fixtures.read(fixture, "computation_graph.py").getBytes(StandardCharsets.UTF_8),
                Map.of("splittingOps", ops)).json();
        JsonNode view = run.get("splitView");
        // The verdict on the re-partition agrees with a direct comparison of the two lists of submodules.
        boolean same = view.get("submodules").size() == run.get("submodules").size();
        for (int i = 0; same && i < view.get("submodules").size(); i++) {
            JsonNode theirs = view.get("submodules").get(i);
            JsonNode ours = run.get("submodules").get(i);
            same = theirs.get("name").equals(ours.get("name")) && theirs.get("nodes").equals(ours.get("nodes"))
                    && theirs.get("inputs").findValues("name").equals(ours.get("inputs").findValues("name"))
                    && theirs.get("outputs").findValues("name").equals(ours.get("outputs").findValues("name"));
        }
        assertThat(view.get("sameAsRepartition").asBoolean()).isEqualTo(same);
        assertThat(view.get("differences").isEmpty()).isEqualTo(same);
        List<JsonNode> subs = List.copyOf(expected.get("strategies").get("decompose|vllm|merge").get("submodules").values());
        assertThat(view.get("submodules").values().stream().map(s -> s.get("name").asString()))
                .containsExactlyElementsOf(subs.stream().map(s -> s.get("name").asString()).toList());
        assertThat(view.get("submodules").values().stream().map(s -> s.get("splitting").asBoolean()))
                .containsExactlyElementsOf(subs.stream().map(s -> s.get("splitting").asBoolean()).toList());
        // Stored and read back the same.
        assertThat(new HttpApi(port).get("/api/runs/" + run.get("id").asString()).json()).isEqualTo(run);
    }

    @ParameterizedTest
    @MethodSource("splitModules")
    void codeOfARunIsWhatVllmWritesToItsCache(String fixture) {
        HttpApi api = new HttpApi(port);
        String ops = String.join(",", Fixtures.strings(Fixtures.expected(fixture).get("splittingOps")));
        JsonNode run = api.postRaw(Fixtures.read(fixture, "readable.py").getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("splittingOps", ops)).json();
        HttpApi.Response code = api.get("/api/runs/" + run.get("id").asString() + "/code");
        assertThat(code.status()).isEqualTo(200);
        assertThat(code.contentType()).startsWith("text/x-python");
        String expected = Fixtures.read(fixture, "computation_graph.py");
        assertThat(code.body().substring(code.body().indexOf("\n    class submod_")).stripTrailing())
                .isEqualTo(expected.substring(expected.indexOf("\n    class submod_")).stripTrailing());
    }

    @Test
    void aRunWhoseSplitFailsHasNoCode() {
        HttpApi api = new HttpApi(port);
        JsonNode run = api.postRaw(Fixtures.read("symint_multi", "readable.py").getBytes(StandardCharsets.UTF_8),
                "text/plain", Map.of("splittingOps", "oracle::attn")).json();
        assertThat(run.get("verdict").get("outcome").asString()).isEqualTo("split-fails");
        HttpApi.Response code = api.get("/api/runs/" + run.get("id").asString() + "/code");
        assertThat(code.status()).isEqualTo(409);
        assertThat(code.json().get("detail").asString()).contains("cycle exists between partitions");
    }

    /** The line transformers' grouped_mm MoE path makes FX write was a 400; it is a run with the setitem node. */
    @Test
    void setitemStatementsOfMoeDumpsMakeARun() {
        String readable = """
                class GraphModule(torch.nn.Module):
                    def forward(self, s0: "Sym(s0)", L_x_: "f32[s0, 8]", L_perm_: "i64[s0]"):
                        l_x_ = L_x_
                        l_perm_ = L_perm_
                        inv_perm: "i64[s0]" = torch.empty_like(l_perm_)
                        arange_1: "i64[s0]" = torch.arange(s0, device = device(type='cpu'))
                        inv_perm[l_perm_] = arange_1;  setitem = inv_perm;  l_perm_ = arange_1 = setitem = None
                        size = l_x_.size()
                        moe: "f32[s0, 8]" = torch.ops.oracle.moe(l_x_);  l_x_ = None
                        getitem: "f32[s0, 8]" = moe[inv_perm];  moe = inv_perm = None
                        view: "f32[s0, 8]" = getitem.view(size);  getitem = size = None
                        return (view,)
                """;
        HttpApi.Response response = new HttpApi(port).postRaw(readable.getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode run = response.json();
        assertThat(run.get("graph").get("nodeCount").asInt()).isEqualTo(11);
        List<String> first = new java.util.ArrayList<>();
        run.get("submodules").get(0).get("nodes").forEach(n -> first.add(n.asString()));
        assertThat(first).containsSequence("inv_perm", "arange_1", "setitem");
        assertThat(run.get("verdict").get("outcome").asString()).isEqualTo("aot-fails"); // the Size crosses
    }
}
