package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Compare every strategy" over real HTTP: the run compared is the row of its own option set, comparing again
 * makes no runs, and the upload page's compare finds the same group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class CompareGroupTest {

    private static final String GRAPH = Fixtures.read("moe_view", "graph.txt");

    @LocalServerPort
    int port;

    /** Splitting ops no other test uses, so no earlier comparison of the same graph and ops exists. */
    private static String uniqueOps() {
        return "oracle::moe, test::only_" + UUID.randomUUID().toString().replace("-", "");
    }

    private JsonNode createRun(HttpApi api, Map<String, String> options) {
        HttpApi.Response created = api.postRaw(GRAPH.getBytes(StandardCharsets.UTF_8), "text/plain", options);
        assertThat(created.status()).isEqualTo(201);
        return created.json();
    }

    /** Posts "compare" for a run (the CSRF token from a page's form) and follows /comparing/{group} until stored. */
    private static String compare(HttpApi api, String runId) throws InterruptedException {
        HttpApi.Response posted = api.submitForm("/", "/runs/" + runId + "/compare", "");
        assertThat(posted.status()).isEqualTo(302);
        String progress = posted.location().replaceFirst("^https?://[^/]+", "");
        assertThat(progress).startsWith("/comparing/");
        waitUntilStored(api, progress);
        return progress.substring("/comparing/".length());
    }

    private static void waitUntilStored(HttpApi api, String progress) throws InterruptedException {
        for (int i = 0; i < 3000; i++) { // five minutes at most: a 100k-node graph takes a while on a busy machine
            HttpApi.Response answer = api.get(progress);
            if (answer.status() == 302) {
                assertThat(answer.location()).endsWith("/compare");
                return;
            }
            assertThat(answer.status()).isEqualTo(200);
            Thread.sleep(100);
        }
        throw new AssertionError(progress + " never finished");
    }

    private static long total(HttpApi api) {
        return api.get("/api/runs?size=1").json().get("total").asLong();
    }

    @Test
    void theComparedRunIsItsOptionSetsRowAndComparingAgainMakesNoRuns() throws InterruptedException {
        HttpApi api = new HttpApi(port);
        String ops = uniqueOps();
        JsonNode run = createRun(api, Map.of("splittingOps", ops, "name", "compared"));
        String id = run.get("id").asString();
        assertThat(run.get("compareGroup").isNull()).isTrue();
        long before = total(api);

        String group = compare(api, id);
        // Eight option sets; the run itself is vLLM today's (the default options), so seven runs were made.
        assertThat(total(api)).isEqualTo(before + 7);
        JsonNode members = api.get("/api/groups/" + group).json().get("runs");
        assertThat(members.size()).isEqualTo(8);
        assertThat(members.get(0).get("id").asString()).isEqualTo(id);
        List<String> choices = members.valueStream().map(m -> m.get("options")).map(o -> o.get("sizeStrategy").asString()
                + "|" + o.get("getitemRule").asString() + "|" + o.get("mergeConsecutiveSplits").asBoolean() + "|"
                + o.get("mergeEmptyAllocations").asBoolean()).toList();
        assertThat(choices).doesNotHaveDuplicates().contains("decompose|vllm|true|true");
        // listed in the order of the option sets, whatever order they were partitioned in
        assertThat(choices).containsExactlyElementsOf(dev.piecewise.partition.PartitionOptions.whatIfSets(
                new dev.piecewise.partition.SplittingOps(List.of("oracle::moe"))).stream().map(o -> o.sizeStrategy().id() + "|"
                + o.getitemRule().id() + "|" + o.mergeConsecutiveSplits() + "|" + o.mergeEmptyAllocations()).toList());
        assertThat(api.get("/api/runs/" + id).json().get("compareGroup").asString()).isEqualTo(group);

        // Again, from the run and from any member: the same group, no new runs.
        assertThat(compare(api, id)).isEqualTo(group);
        assertThat(compare(api, members.get(3).get("id").asString())).isEqualTo(group);
        assertThat(total(api)).isEqualTo(before + 7);

        // A run of the same graph and ops made apart from it finds the same comparison.
        String apart = createRun(api, Map.of("splittingOps", ops, "sizeStrategy", "none")).get("id").asString();
        assertThat(compare(api, apart)).isEqualTo(group);
        assertThat(total(api)).isEqualTo(before + 8);
        String page = api.get("/runs/" + apart + "/compare").body();
        assertThat(page).contains("data-run=\"" + id + "\"").doesNotContain("data-run=\"" + apart + "\"");
    }

    /** A comparison done within the request's wait opens at once: no progress page, no reload to wait for. */
    @Test
    void aQuickComparisonIsShownWithoutItsProgressPage() {
        HttpApi api = new HttpApi(port);
        String id = createRun(api, Map.of("splittingOps", uniqueOps())).get("id").asString();
        HttpApi.Response posted = api.submitForm("/", "/runs/" + id + "/compare", "");
        assertThat(posted.status()).isEqualTo(302);
        HttpApi.Response progress = api.get(posted.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(progress.status()).isEqualTo(302);
        assertThat(progress.location()).endsWith("/runs/" + id + "/compare");
    }

    @Test
    void aRunWithOptionsOutsideTheComparisonIsAnExtraRow() throws InterruptedException {
        HttpApi api = new HttpApi(port);
        String id = createRun(api, Map.of("splittingOps", uniqueOps(), "getitemRule", "off")).get("id").asString();
        long before = total(api);
        String group = compare(api, id);
        assertThat(total(api)).isEqualTo(before + 8);
        JsonNode members = api.get("/api/groups/" + group).json().get("runs");
        assertThat(members.size()).isEqualTo(9);
        assertThat(members.valueStream().map(m -> m.get("id").asString())).contains(id);
    }

    @Test
    void theUploadPagesCompareFindsTheComparisonOfTheSameGraphAndOps() throws InterruptedException {
        HttpApi api = new HttpApi(port);
        String ops = uniqueOps();
        String id = createRun(api, Map.of("splittingOps", ops)).get("id").asString();
        String group = compare(api, id);
        long before = total(api);
        String fields = "action=compare&splittingOps=" + java.net.URLEncoder.encode(ops, StandardCharsets.UTF_8)
                + "&text=" + java.net.URLEncoder.encode(GRAPH, StandardCharsets.UTF_8);
        HttpApi.Response posted = api.submitForm("/", "/runs", fields);
        assertThat(posted.status()).isEqualTo(302);
        assertThat(posted.location()).endsWith("/comparing/" + group);
        assertThat(total(api)).isEqualTo(before);
    }

    @Test
    void deletingEveryRunOfAComparisonForgetsIt() throws InterruptedException {
        HttpApi api = new HttpApi(port);
        String ops = uniqueOps();
        String id = createRun(api, Map.of("splittingOps", ops)).get("id").asString();
        String group = compare(api, id);
        api.get("/api/groups/" + group).json().get("runs").valueStream()
                .forEach(m -> assertThat(api.delete("/api/runs/" + m.get("id").asString()).status()).isEqualTo(204));
        assertThat(api.get("/api/groups/" + group).status()).isEqualTo(404);
        // A new run of the same graph and ops is compared anew, with a full group.
        String again = createRun(api, Map.of("splittingOps", ops)).get("id").asString();
        String next = compare(api, again);
        assertThat(next).isNotEqualTo(group);
        assertThat(api.get("/api/groups/" + next).json().get("runs").size()).isEqualTo(8);
    }

    /**
     * The page is built from each run's verdict, never its nodes: its size follows the option sets, not the graph.
     * 20k nodes here keep the test quick; with {@code -Dpiecewise.test.compareLayers=9100} (100k nodes) it passes too.
     */
    @Test
    void theComparisonOfABigGraphIsASmallPage() throws InterruptedException {
        HttpApi api = new HttpApi(port);
        int layers = Integer.getInteger("piecewise.test.compareLayers", 1_820); // 11 nodes a layer
        byte[] decoder = SyntheticDecoder.fxText(layers).getBytes(StandardCharsets.UTF_8);
        JsonNode run = api.postRaw(decoder, "text/plain", Map.of("splittingOps", uniqueOps().replace("moe", "attn"),
                "sizeStrategy", "none")).json();
        assertThat(run.get("graph").get("nodeCount").asInt()).isGreaterThan(layers * 10);
        int problems = run.get("verdict").get("problems").size();
        assertThat(problems).isGreaterThan(layers);
        String id = run.get("id").asString();
        compare(api, id);
        String page = api.get("/runs/" + id + "/compare").body();
        int bytes = page.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("compare page of a %,d-node graph: %,d bytes%n", run.get("graph").get("nodeCount").asInt(), bytes);
        assertThat(bytes).isLessThan(300_000);
        assertThat(page.split("<tr ").length - 1).isEqualTo(8);
        assertThat(page).contains(String.format("%,d problems:", problems)).contains("vLLM today");
    }
}
