package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The walk-through and the history: create, read, page, filter, delete, deduplicated uploads. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiLifecycleTest {

    @LocalServerPort
    int port;

    @Autowired
    RunRepository repository;

    private final byte[] moeView = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);

    @Test
    void moeViewCompilesByDefaultAndFailsWithoutSizeHandling() {
        HttpApi api = new HttpApi(port);
        JsonNode byDefault = api.postMultipart("graph.txt", moeView, Map.of("splittingOps", "oracle::moe")).json();
        assertThat(byDefault.get("verdict").get("outcome").asString()).isEqualTo("ok");
        assertThat(byDefault.get("name").asString()).isEqualTo("graph.txt");

        JsonNode none = api.postRaw(moeView, "text/plain", Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none",
                "name", "moe-none")).json();
        JsonNode verdict = none.get("verdict");
        assertThat(verdict.get("outcome").asString()).isEqualTo("aot-fails");
        assertThat(verdict.get("compilable").asBoolean()).isFalse();
        assertThat(verdict.get("summary").asString()).contains("size (size) leaves submod_0 for submod_2")
                .contains("submod_2 takes size (size) from submod_0").contains("sizeStrategy=decompose");
        JsonNode output = verdict.get("problems").get(0);
        assertThat(output.get("submodule").asString()).isEqualTo("submod_0");
        assertThat(output.get("value").asString()).isEqualTo("size");
        assertThat(output.get("kind").asString()).isEqualTo("size");
        assertThat(output.get("consumers").get(0).asString()).isEqualTo("submod_2");
        assertThat(output.get("error").asString()).startsWith("AssertionError: output spec mismatch");
        JsonNode input = verdict.get("problems").get(1);
        assertThat(input.get("submodule").asString()).isEqualTo("submod_2");
        assertThat(input.get("error").asString()).isEqualTo("AssertionError: all flat_args must be KNOWN_TYPES or opaque types");
        assertThat(verdict.get("suggestion").get("sizeStrategy").asString()).isEqualTo("decompose");
        assertThat(none.get("crossings").findValues("value").stream().map(JsonNode::asString)).contains("size");
    }

    @Test
    void sameGraphTextIsStoredOnceAndFreedWithItsLastRun() {
        HttpApi api = new HttpApi(port);
        // Trailing blank space makes this upload's bytes differ from every other test's.
        String padding = " ".repeat(1 + new java.util.Random().nextInt(1_000_000));
        byte[] unique = (new String(moeView, StandardCharsets.UTF_8) + "\n" + padding).getBytes(StandardCharsets.UTF_8);
        long uploads = repository.uploadCount();
        String first = api.postRaw(unique, "text/plain", Map.of("splittingOps", "oracle::moe")).json().get("id").asString();
        String second = api.postRaw(unique, "text/plain", Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"))
                .json().get("id").asString();
        assertThat(repository.uploadCount()).isEqualTo(uploads + 1);
        assertThat(api.get("/api/runs/" + first + "/upload").body()).isEqualTo(new String(unique, StandardCharsets.UTF_8));

        assertThat(api.delete("/api/runs/" + first).status()).isEqualTo(204);
        assertThat(api.get("/api/runs/" + first).status()).isEqualTo(404);
        assertThat(repository.uploadCount()).isEqualTo(uploads + 1);
        assertThat(api.delete("/api/runs/" + second).status()).isEqualTo(204);
        assertThat(repository.uploadCount()).isEqualTo(uploads);
    }

    @Test
    void historyIsNewestFirstPaginatedAndFiltered() {
        HttpApi api = new HttpApi(port);
        String tag = "hist-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            api.postRaw(moeView, "text/plain", Map.of("splittingOps", "oracle::moe", "name", tag + "-" + i));
        }
        api.postRaw(moeView, "text/plain", Map.of("splittingOps", "oracle::moe", "name", tag + "-none", "sizeStrategy", "none"));

        JsonNode page = api.get("/api/runs?page=0&size=2&name=" + tag).json();
        assertThat(page.get("total").asLong()).isEqualTo(4);
        assertThat(page.get("size").asInt()).isEqualTo(2);
        List<String> names = page.get("items").values().stream().map(i -> i.get("name").asString()).toList();
        assertThat(names).containsExactly(tag + "-none", tag + "-2");
        JsonNode second = api.get("/api/runs?page=1&size=2&name=" + tag).json();
        assertThat(second.get("items").values().stream().map(i -> i.get("name").asString()))
                .containsExactly(tag + "-1", tag + "-0");

        JsonNode failing = api.get("/api/runs?verdict=aot-fails&name=" + tag).json();
        assertThat(failing.get("total").asLong()).isEqualTo(1);
        JsonNode summary = failing.get("items").get(0);
        assertThat(summary.get("sizeStrategy").asString()).isEqualTo("none");
        assertThat(summary.get("nodeCount").asInt()).isEqualTo(9);
        assertThat(summary.get("submoduleCount").asInt()).isEqualTo(3);
        assertThat(api.get("/api/runs?sizeStrategy=decompose&name=" + tag).json().get("total").asLong()).isEqualTo(3);
        assertThat(api.get("/api/runs?verdict=maybe").status()).isEqualTo(400);
    }

    @Test
    void nodeNamesWithSeparatorsRoundTrip() {
        // fx-json node names are free strings; what is stored must come back exactly.
        String odd = "x,\\ty\\nz \\\"q\\\"";
        String json = Fixtures.read("moe_view", "graph.json").replace("\"x\"", "\"" + odd + "\"");
        HttpApi api = new HttpApi(port);
        HttpApi.Response created = api.postRaw(json.getBytes(StandardCharsets.UTF_8), "application/json",
                Map.of("splittingOps", "oracle::moe"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode run = created.json();
        assertThat(run.get("submodules").get(0).get("nodes").get(1).asString()).isEqualTo("x,\ty\nz \"q\"");
        assertThat(api.get(created.location()).json()).isEqualTo(run);
    }

    @Test
    void optionsForgiveWhatHarnessesSend() {
        HttpApi api = new HttpApi(port);
        // Python's str(False), empty values meaning "default", a splittingOps list given in two parts.
        JsonNode run = api.postRaw(moeView, "text/plain",
                "?mergeConsecutiveSplits=FALSE&sizeStrategy=&format=&splittingOps=oracle::moe&splittingOps=vllm::moe_forward",
                null).json();
        assertThat(run.get("options").get("sizeStrategy").asString()).isEqualTo("decompose");
        assertThat(run.get("options").get("mergeConsecutiveSplits").asBoolean()).isFalse();
        assertThat(run.get("format").asString()).isEqualTo("fx-text");
        assertThat(Fixtures.strings(run.get("options").get("splittingOps"))).containsExactly("oracle::moe", "vllm::moe_forward");
        // A blank graph name falls back to "graph".
        String json = Fixtures.read("moe_view", "graph.json").replace("\"name\": \"moe_view\"", "\"name\": \"  \"");
        JsonNode unnamed = api.postRaw(json.getBytes(StandardCharsets.UTF_8), "application/json",
                Map.of("splittingOps", "oracle::moe")).json();
        assertThat(unnamed.get("name").asString()).isEqualTo("graph");
    }

    @Test
    void aDeclaredCharsetIsHonoured() {
        String text = Fixtures.read("moe_view", "graph.txt").replace("oracle.moe](args = (%x, %router)",
                "oracle.moe](args = (%x, %router, caf\u00e9)");
        HttpApi.Response response = new HttpApi(port).postRaw(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "text/plain; charset=ISO-8859-1", Map.of("splittingOps", "oracle::moe"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(new HttpApi(port).get(response.location() + "/upload").body()).contains("caf\u00e9");
    }
}
