package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** TORCH_TRACE logs over HTTP: the graphs they hold, vLLM's config and split, graph breaks, bad logs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiTraceTest {

    /** The fixtures' README: the logged splitting_ops list all six custom ops. */
    private static final List<String> LOGGED_OPS = List.of("oracle::attn", "oracle::moe", "oracle::attn2", "oracle::sdpa",
            "vllm::unified_attention_with_output", "vllm::moe_forward");

    @LocalServerPort
    int port;

    static byte[] trace(String file) {
        return Fixtures.read(Fixtures.ROOT.resolve("traces").resolve(file)).getBytes(StandardCharsets.UTF_8);
    }

    static List<String> outputGraphIds(byte[] log) {
        Matcher m = Pattern.compile("\\{\"dynamo_output_graph\".*\"frame_id\": (\\d+), \"frame_compile_id\": (\\d+)")
                .matcher(new String(log, StandardCharsets.UTF_8));
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1) + "/" + m.group(2));
        }
        return ids;
    }

    private static List<String> codes(JsonNode run) {
        List<String> codes = new ArrayList<>();
        run.get("diagnostics").forEach(d -> codes.add(d.get("code").asString()));
        return codes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"trace_moe_view.log", "trace_graph_break.log", "trace_hf_llama.log"})
    void theDefaultGraphIsPartitionedWithTheLogsSplittingOpsAndComparedWithVllmsSplit(String file) {
        byte[] log = trace(file);
        HttpApi.Response response = new HttpApi(port).postMultipart(file, log, Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode run = response.json();
        assertThat(run.get("format").asString()).isEqualTo("torch-trace");
        assertThat(run.get("graph").get("graphsInUpload").asInt()).isEqualTo(outputGraphIds(log).size());
        assertThat(run.get("graph").get("graphIndex").asInt()).isZero();
        List<String> ops = new ArrayList<>();
        run.get("options").get("splittingOps").forEach(o -> ops.add(o.asString()));
        assertThat(ops).containsExactlyInAnyOrderElementsOf(LOGGED_OPS);
        assertThat(codes(run)).contains("trace-graph", "splitting-ops-from-trace");
        assertThat(run.get("name").asString()).isEqualTo(file + " " + outputGraphIds(log).get(0));
        JsonNode splitView = run.get("splitView");
        assertThat(splitView.get("submodules").size()).isPositive();
        // vLLM's split in the log is vLLM today, which is this run's default option set.
        assertThat(splitView.get("sameAsRepartition").asBoolean()).as(splitView.get("differences").toString()).isTrue();
        HttpApi.Response code = new HttpApi(port).get("/api/runs/" + run.get("id").asString() + "/code");
        assertThat(code.status()).isEqualTo(200);
        assertThat(code.body()).contains("class submod_0");
    }

    @Test
    void splittingOpsGivenInTheRequestWin() {
        JsonNode run = new HttpApi(port).postMultipart("t.log", trace("trace_moe_view.log"),
                Map.of("splittingOps", "oracle::moe")).json();
        assertThat(run.get("options").get("splittingOps").toString()).isEqualTo("[\"oracle::moe\"]");
        assertThat(codes(run)).doesNotContain("splitting-ops-from-trace");
    }

    @Test
    void compileIdChoosesAGraphAndTheBreakBetweenThemIsShown() {
        HttpApi api = new HttpApi(port);
        byte[] log = trace("trace_graph_break.log");
        JsonNode first = api.postMultipart("gb.log", log, Map.of("compileId", "0/0")).json();
        assertThat(codes(first)).contains("graph-break-after").doesNotContain("graph-break-before");
        JsonNode second = api.postMultipart("gb.log", log, Map.of("compileId", "1/0")).json();
        assertThat(second.get("graph").get("graphIndex").asInt()).isEqualTo(1);
        assertThat(codes(second)).contains("graph-break-before");
        second.get("diagnostics").forEach(d -> {
            if (d.get("code").asString().equals("graph-break-before")) {
                assertThat(d.get("message").asString()).contains("0/0").contains("make_trace.py:68");
            }
        });

        HttpApi.Response unknown = api.postMultipart("gb.log", log, Map.of("compileId", "7/0"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("option").asString()).isEqualTo("compileId");
        assertThat(unknown.json().get("detail").asString()).contains("0/0, 1/0");
    }

    @Test
    void aTraceRunListsTheLogsGraphs() {
        HttpApi api = new HttpApi(port);
        byte[] log = trace("trace_graph_break.log");
        String id = api.postMultipart("gb.log", log, Map.of("compileId", "1/0")).json().get("id").asString();
        HttpApi.Response graphs = api.get("/api/runs/" + id + "/graphs");
        assertThat(graphs.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        graphs.json().forEach(g -> ids.add(g.get("compileId").asString()));
        assertThat(ids).isEqualTo(outputGraphIds(log));
        assertThat(graphs.json().get(1).get("chosen").asBoolean()).isTrue();
        assertThat(graphs.json().get(0).get("breakAfter").asString()).contains("make_trace.py:68");
        assertThat(graphs.json().get(0).get("vllmSplit").asBoolean()).isTrue();

        String text = api.postRaw("graph():\n    %x : torch.Tensor [num_users=1] = placeholder[target=x]\n    return (x,)\n"
                .getBytes(StandardCharsets.UTF_8), "text/plain", Map.of()).json().get("id").asString();
        HttpApi.Response notATrace = api.get("/api/runs/" + text + "/graphs");
        assertThat(notATrace.status()).isEqualTo(409);
        assertThat(notATrace.contentType()).startsWith("application/problem+json");
    }

    @Test
    void compileIdAllPartitionsEveryGraphAsOneGroup() {
        HttpApi api = new HttpApi(port);
        byte[] log = trace("trace_graph_break.log");
        HttpApi.Response response = api.postRaw(log, "text/plain", Map.of("compileId", "all"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode group = response.json();
        assertThat(response.location()).isEqualTo("/api/groups/" + group.get("id").asString());
        assertThat(group.get("runs").size()).isEqualTo(outputGraphIds(log).size());
        JsonNode again = api.get(response.location()).json();
        assertThat(again.get("runs").size()).isEqualTo(group.get("runs").size());
        assertThat(again.get("runs").get(1).get("compareGroup").asString()).isEqualTo(group.get("id").asString());
    }

    @Test
    void aLogWithABrokenPayloadIsABadGraphWithItsLineAndStoresNothing() {
        HttpApi api = new HttpApi(port);
        long before = api.get("/api/runs?size=1").json().get("total").asLong();
        String log = new String(trace("trace_moe_view.log"), StandardCharsets.UTF_8);
        String broken = log.replace("torch.ops.oracle.moe(x, router)", "torch.ops.oracle.moe(x,router)");
        HttpApi.Response response = api.postRaw(broken.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("MD5");
        assertThat(response.json().get("line").asInt()).isPositive();
        assertThat(api.get("/api/runs?size=1").json().get("total").asLong()).isEqualTo(before);
    }
}
