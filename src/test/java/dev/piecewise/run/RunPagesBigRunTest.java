package dev.piecewise.run;

import org.junit.jupiter.api.Test;
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

/**
 * The run page of a 100,003-node run over HTTP, as a browser gets it: repeated pieces counted, the diagram of
 * the page shown, and a search that lands on a late page in one request.
 *
 * <p>The synthetic decoder ({@link SyntheticDecoder}) has 9,091 layers of 10 nodes, one attention split each,
 * one input and one weight a layer and the output: 11 × 9,091 + 2 = 100,003 nodes. Its pieces: submod_0 (layer
 * 0 before attention), one attention piece a layer (submod_1, 3, …, 18,181), the piece between two attentions
 * (submod_2, 4, …, 18,180: the end of layer i and the start of layer i + 1) and the last piece, submod_18182:
 * 18,183 submodules, 4 distinct graphs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunPagesBigRunTest {

    private static final int LAYERS = 9_091;
    private static final int SUBMODULES = 2 * LAYERS + 1;
    private static String id;
    private static JsonNode run;

    @LocalServerPort
    int port;

    private HttpApi api() {
        return new HttpApi(port);
    }

    private synchronized String bigRun() {
        if (id == null) {
            byte[] text = SyntheticDecoder.fxText(LAYERS).getBytes(StandardCharsets.UTF_8);
            HttpApi.Response created = api().postRaw(text, "text/plain", Map.of("splittingOps", "oracle::attn",
                    "name", "decoder-100k"));
            assertThat(created.status()).as(created.body().substring(0, Math.min(300, created.body().length())))
                    .isEqualTo(201);
            run = created.json();
            id = run.get("id").asString();
        }
        return id;
    }

    private static String notSplitId;
    private static JsonNode notSplit;

    /** The same graph under vLLM's default splitting ops, none of which it calls: one submodule of every node. */
    private synchronized String notSplitRun() {
        if (notSplitId == null) {
            byte[] text = SyntheticDecoder.fxText(LAYERS).getBytes(StandardCharsets.UTF_8);
            HttpApi.Response created = api().postRaw(text, "text/plain", Map.of("name", "decoder-100k-not-split"));
            assertThat(created.status()).isEqualTo(201);
            notSplit = created.json();
            notSplitId = notSplit.get("id").asString();
        }
        return notSplitId;
    }

    private static List<String> boxes(String page) {
        List<String> names = new ArrayList<>();
        Matcher box = Pattern.compile("<g class=\"box[^\"]*\"><a href=\"#([^\"]+)\"").matcher(page);
        while (box.find()) {
            names.add(box.group(1));
        }
        return names;
    }

    @Test
    void theRunCountsItsDistinctPieces() {
        bigRun();
        assertThat(run.get("graph").get("nodeCount").asInt()).isEqualTo(100_003);
        assertThat(run.get("submodules")).hasSize(SUBMODULES);
        JsonNode repetition = run.get("repetition");
        assertThat(repetition.get("pieces").asInt()).isEqualTo(SUBMODULES);
        assertThat(repetition.get("distinct").asInt()).isEqualTo(4);
        assertThat(repetition.get("compiledPieces").asInt()).isEqualTo(LAYERS + 1);
        assertThat(repetition.get("distinctCompiled").asInt()).isEqualTo(3);
        JsonNode groups = repetition.get("groups");
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).get("submodules")).hasSize(LAYERS);
        assertThat(groups.get(0).get("submodules").get(0).asString()).isEqualTo("submod_1");
        assertThat(groups.get(0).get("splitting").asBoolean()).isTrue();
        assertThat(groups.get(1).get("submodules")).hasSize(LAYERS - 1);
        assertThat(groups.get(1).get("submodules").get(LAYERS - 2).asString()).isEqualTo("submod_" + (SUBMODULES - 3));
        assertThat(api().get("/api/runs/" + id + "?fields=summary").json().get("repetition")).isEqualTo(repetition);
    }

    @Test
    void aLatePageShowsItsOwnSubmodulesInTheDiagram() {
        String page = api().get("/runs/" + bigRun()).body();
        assertThat(page).contains("Distinct pieces: 4 of 18,183").contains("9,091 ×").contains("9,090 ×")
                .contains("submod_1, 3, 5, …, 18181");
        assertThat(boxes(page)).hasSize(RunPageController.SUBMODULES_PER_PAGE).startsWith("submod_0", "submod_1");

        HttpApi.Response late = api().get("/runs/" + id + "?page=200");
        assertThat(late.status()).isEqualTo(200);
        List<String> shown = boxes(late.body());
        assertThat(shown).hasSize(RunPageController.SUBMODULES_PER_PAGE);
        assertThat(shown.get(0)).isEqualTo("submod_8000");
        assertThat(shown.get(39)).isEqualTo("submod_8039");
        assertThat(late.body()).contains("Submodules 8001 to 8040 of 18183");
        assertThat(late.body().length()).isLessThan(400_000);
    }

    /**
     * Not split, the graph is one submodule of 90,910 nodes (100,003 less the input, the 9,091 weights and the
     * output): the page shows them 500 at a time, and its lists of inputs and relocations (one a layer) are cut
     * short, so the page stays small however big the piece.
     */
    @Test
    void aSubmoduleOfEveryNodeIsShownAWindowOfRowsAtATime() {
        notSplitRun();
        JsonNode piece = notSplit.get("submodules").get(0);
        assertThat(notSplit.get("submodules")).hasSize(1);
        assertThat(piece.get("nodes")).hasSize(90_910);

        HttpApi.Response first = api().get("/runs/" + notSplitId);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).contains("Nodes 1 to 500 of 90,910").contains("and 8,892 more inputs")
                .contains("rowsOf=submod_0&amp;rowsFrom=500").doesNotContain("Previous nodes");
        assertThat(nodeRows(first.body())).hasSize(500).startsWith(piece.get("nodes").get(0).asString());
        assertThat(first.body().length()).isLessThan(400_000);

        HttpApi.Response middle = api().get("/runs/" + notSplitId + "?rowsOf=submod_0&rowsFrom=50123");
        assertThat(middle.body()).contains("Nodes 50,001 to 50,500 of 90,910").contains("Previous nodes");
        assertThat(nodeRows(middle.body())).hasSize(500).startsWith(piece.get("nodes").get(50_000).asString());

        HttpApi.Response last = api().get("/runs/" + notSplitId + "?rowsOf=submod_0&rowsFrom=99999999");
        assertThat(last.body()).contains("Nodes 90,501 to 90,910 of 90,910").doesNotContain("Next nodes");

        int at = 0;
        while (!piece.get("nodes").get(at).asString().equals("relu_9000")) {
            at++;
        }
        HttpApi.Response found = api().get("/runs/" + notSplitId + "?find=relu_9000");
        assertThat(found.body()).contains("Match 1 of 1: node relu_9000 in submod_0")
                .contains("Nodes " + String.format("%,d", at / 500 * 500 + 1) + " to ");
        assertThat(found.body()).containsPattern("<tr (id=\"found\" class=\"found\"|class=\"found\" id=\"found\")>\\s*<td><code>relu_9000</code>");
    }

    private static List<String> nodeRows(String page) {
        List<String> names = new ArrayList<>();
        Matcher row = Pattern.compile("<tr[^>]*>\\s*<td><code>([^<]+)</code></td>\\s*<td>(placeholder|get_attr|call_function|call_method|call_module)</td>")
                .matcher(page);
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }

    /**
     * relu_9000 is layer 9000's, before its attention: in the piece between layers 8999 and 9000, submod_18000
     * (2 × 8999 + 2), listed on page 450 (18000 / 40).
     */
    @Test
    void searchFindsANodeOnALatePageInOneRequest() {
        HttpApi.Response found = api().get("/runs/" + bigRun() + "?find=relu_9000");
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body()).contains("Match 1 of 1: node relu_9000 in submod_18000")
                .contains("Submodules 18001 to 18040 of 18183");
        assertThat(found.body()).containsPattern("<tr (id=\"found\" class=\"found\"|class=\"found\" id=\"found\")>\\s*<td><code>relu_9000</code>");
        assertThat(boxes(found.body())).contains("submod_18000");

        HttpApi.Response byTarget = api().get("/runs/" + id + "?find=oracle.attn.default&hit=9090");
        assertThat(byTarget.body()).contains("Match 9,091 of 9,091: node attn_default_9090 in submod_18181");

        HttpApi.Response last = api().get("/runs/" + id + "?find=submod_18182");
        assertThat(last.body()).contains("Match 1 of 1: submodule submod_18182")
                .contains("Submodules 18161 to 18183 of 18183");

        // No node is called RELU_900: names containing it, ignoring case, are relu_900 and relu_9000 to relu_9009;
        // layer 900's relu is in the piece between layers 899 and 900, submod_1800.
        assertThat(api().get("/runs/" + id + "?find=RELU_900").body()).contains("Match 1 of 11: node relu_900 in submod_1800");
        assertThat(api().get("/runs/" + id + "?find=no_such_node").body()).contains("Nothing matches");
    }
}
