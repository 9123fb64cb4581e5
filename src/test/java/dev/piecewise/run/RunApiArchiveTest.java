package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.archive.Archives;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Archives of TORCH_TRACE directories and vLLM caches over HTTP: one run per graph, grouped. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiArchiveTest {

    @LocalServerPort
    int port;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aZipOfATraceDirectoryWithTwoRanksGivesTwoGroupedRunsNamedByRank() {
        byte[] log = RunApiTraceTest.trace("trace_moe_view.log");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("trace/dedicated_log_torch_trace_rank_0_x1.log", log);
        entries.put("trace/dedicated_log_torch_trace_rank_1_x2.log", log);
        HttpApi api = new HttpApi(port);
        HttpApi.Response response = api.postMultipart("trace.zip", Archives.zip(entries), Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode group = response.json();
        assertThat(response.location()).isEqualTo("/api/groups/" + group.get("id").asString());
        List<String> names = new ArrayList<>();
        group.get("runs").forEach(r -> {
            names.add(r.get("name").asString());
            assertThat(r.get("compareGroup").asString()).isEqualTo(group.get("id").asString());
            assertThat(r.get("format").asString()).isEqualTo("torch-trace");
        });
        assertThat(names).containsExactly("rank 0 dedicated_log_torch_trace_rank_0_x1.log 0/0",
                "rank 1 dedicated_log_torch_trace_rank_1_x2.log 0/0");
        String run = group.get("runs").get(1).get("id").asString();
        assertThat(api.get("/api/runs/" + run + "/upload").body()).isEqualTo(new String(log, StandardCharsets.UTF_8));
    }

    @Test
    void aTarGzOfAVllmCacheGivesARunPerComputationGraphWithVllmsSplit() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String rank : List.of("rank_0_0", "rank_1_0")) {
            String dir = "1a2b3c/" + rank + "/backbone/";
            entries.put(dir + "computation_graph.py", bytes(Fixtures.read("moe_view", "computation_graph.py")));
            entries.put(dir + "transformed_code_0.py", bytes("def forward(x):\n    return x\n"));
            entries.put(dir + "cache_key_factors.json", bytes("{}"));
        }
        HttpApi.Response response = new HttpApi(port).postRaw(Archives.tarGz(entries), "application/gzip",
                Map.of("splittingOps", "oracle::moe"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode runs = response.json().get("runs");
        assertThat(runs.size()).isEqualTo(2);
        assertThat(runs.get(0).get("name").asString()).isEqualTo("rank 0_0 backbone computation_graph.py");
        assertThat(runs.get(1).get("name").asString()).isEqualTo("rank 1_0 backbone computation_graph.py");
        assertThat(runs.get(0).get("splitView").get("submodules").size()).isPositive();
        assertThat(runs.get(0).get("diagnostics").get(0).get("message").asString())
                .contains("prefix backbone").contains("cache_key_factors.json, transformed_code_0.py");
    }

    @Test
    void anArchiveWithAnUnsafeNameIsRefusedAndStoresNothing() {
        HttpApi api = new HttpApi(port);
        long before = api.get("/api/runs?size=1").json().get("total").asLong();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ok_rank_0.log", RunApiTraceTest.trace("trace_moe_view.log"));
        entries.put("../rank_1.log", RunApiTraceTest.trace("trace_moe_view.log"));
        HttpApi.Response response = api.postRaw(Archives.zip(entries), "application/zip", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("type").asString()).endsWith("/bad-archive");
        assertThat(api.get("/api/runs?size=1").json().get("total").asLong()).isEqualTo(before);
    }

    @Test
    void aBadGraphInsideAnArchiveNamesTheEntryAndStoresNothing() {
        HttpApi api = new HttpApi(port);
        long before = api.get("/api/runs?size=1").json().get("total").asLong();
        String log = new String(RunApiTraceTest.trace("trace_moe_view.log"), StandardCharsets.UTF_8);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("rank_0.log", bytes(log));
        entries.put("rank_1.log", bytes(log.replace("(x, router)", "(x,router)")));
        HttpApi.Response response = api.postRaw(Archives.zip(entries), "application/octet-stream", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("rank_1.log").contains("MD5");
        assertThat(api.get("/api/runs?size=1").json().get("total").asLong()).isEqualTo(before);
    }
}
