package dev.piecewise.run;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Big runs: gzip on the wire, a summary without node lists, pages that list slices. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiBigAnswersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** Decoder layers whose Size crosses every cut when sizes are not handled: two problems a layer. */
    private JsonNode failingDecoder(int layers) {
        byte[] text = SyntheticDecoder.fxText(layers).getBytes(StandardCharsets.UTF_8);
        return new HttpApi(port).postRaw(text, "text/plain", Map.of("splittingOps", "oracle::attn",
                "sizeStrategy", "none", "name", "decoder-" + layers)).json();
    }

    @Test
    void theRunTravelsGzipWhenTheClientAcceptsIt() throws Exception {
        JsonNode run = failingDecoder(60);
        String id = run.get("id").asString();
        HttpResponse<byte[]> zipped = client.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs/" + id))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().allValues("Vary")).anyMatch(v -> v.equalsIgnoreCase("Accept-Encoding"));
        // The stored document's blocks, sent as one gzip member rather than compressed again.
        assertThat(zipped.headers().firstValueAsLong("Content-Length")).hasValue(zipped.body().length);
        byte[] json = DeflatedTest.inflateOneMember(zipped.body());
        assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(json);
        assertThat(zipped.body().length).isLessThan(json.length / 4);
        assertThat(JSON.readTree(json)).isEqualTo(run);
        assertThat(new HttpApi(port).get("/api/runs/" + id).json()).isEqualTo(run);
    }

    private HttpResponse<byte[]> post(byte[] graph, String acceptEncoding) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs?splittingOps=oracle::attn&sizeStrategy=none"))
                .header("Content-Type", "text/plain").header("Accept-Encoding", acceptEncoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(graph)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answer to a POST is sent as compressed for the store: one gzip member, not compressed again. */
    @Test
    void aPostedRunTravelsGzipAsOneMember() throws Exception {
        byte[] graph = SyntheticDecoder.fxText(300).getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> zipped = post(graph, "gzip");
        assertThat(zipped.statusCode()).isEqualTo(201);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().allValues("Vary")).anyMatch(v -> v.equalsIgnoreCase("Accept-Encoding"));
        assertThat(zipped.headers().firstValueAsLong("Content-Length")).hasValue(zipped.body().length);
        byte[] json = DeflatedTest.inflateOneMember(zipped.body());
        assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(json);
        JsonNode run = JSON.readTree(json);
        assertThat(zipped.body().length).isLessThan(json.length / 4);
        assertThat(new HttpApi(port).get("/api/runs/" + run.get("id").asString()).json()).isEqualTo(run);

        HttpResponse<byte[]> plain = post(graph, "gzip;q=0, identity");
        assertThat(plain.statusCode()).isEqualTo(201);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        JsonNode plainRun = JSON.readTree(plain.body());
        assertThat(plainRun.get("submodules")).isEqualTo(run.get("submodules"));
        assertThat(new HttpApi(port).get("/api/runs/" + plainRun.get("id").asString()).json()).isEqualTo(plainRun);
    }

    @Test
    void theSummaryHasTheVerdictAndCountsButNoNodeLists() {
        JsonNode run = failingDecoder(60);
        HttpApi.Response response = new HttpApi(port).get("/api/runs/" + run.get("id").asString() + "?fields=summary");
        assertThat(response.status()).isEqualTo(200);
        JsonNode summary = response.json();
        assertThat(summary.get("verdict")).isEqualTo(run.get("verdict"));
        assertThat(summary.get("crossings")).isEqualTo(run.get("crossings"));
        assertThat(summary.get("submodules")).hasSize(run.get("submodules").size());
        for (int i = 0; i < run.get("submodules").size(); i++) {
            JsonNode full = run.get("submodules").get(i);
            JsonNode counted = summary.get("submodules").get(i);
            assertThat(counted.get("name")).isEqualTo(full.get("name"));
            assertThat(counted.get("nodeCount").asInt()).isEqualTo(full.get("nodes").size());
            assertThat(counted.get("inputCount").asInt()).isEqualTo(full.get("inputs").size());
            assertThat(counted.has("nodes")).isFalse();
        }
        assertThat(response.body()).doesNotContain("\"nodes\"");
        assertThat(new HttpApi(port).get("/api/runs/" + run.get("id").asString() + "?fields=everything").status())
                .isEqualTo(400);
    }

    @Test
    void pagesListOnlyTheSubmodulesWithProblemsAndTheComparisonCutsLongCells() throws Exception {
        JsonNode run = failingDecoder(30);
        String id = run.get("id").asString();
        int problems = run.get("verdict").get("problems").size();
        assertThat(problems).isGreaterThan(5);
        String onlyProblems = new HttpApi(port).get("/runs/" + id + "?problemsOnly=true").body();
        long withProblems = run.get("verdict").get("problems").valueStream().map(p -> p.get("submodule").asString())
                .distinct().count();
        assertThat(withProblems).isLessThan(RunPageController.SUBMODULES_PER_PAGE);
        assertThat(run.get("submodules").size()).isGreaterThan(RunPageController.SUBMODULES_PER_PAGE);
        assertThat(onlyProblems.split("class=\"submodule").length - 1).isEqualTo((int) withProblems);
        String firstPage = new HttpApi(port).get("/runs/" + id).body();
        assertThat(firstPage.split("class=\"submodule").length - 1).isEqualTo(RunPageController.SUBMODULES_PER_PAGE);
        // The compare page's own "run every option set" form, with its CSRF token and session.
        HttpApi.Response comparePage = new HttpApi(port).get("/runs/" + id + "/compare");
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(comparePage.body());
        assertThat(token.find()).as("the compare page's form carries a CSRF token").isTrue();
        HttpResponse<String> compared = client.send(HttpRequest.newBuilder(URI.create(base() + "/runs/" + id + "/compare"))
                .header("Cookie", comparePage.header("Set-Cookie").split(";")[0])
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + java.net.URLEncoder.encode(token.group(1),
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(compared.statusCode()).isEqualTo(302);
        String progress = compared.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
        assertThat(progress).startsWith("/comparing/");
        HttpResponse<String> answer;
        do { // the page a browser reloads until the comparison is stored
            Thread.sleep(200);
            answer = client.send(HttpRequest.newBuilder(URI.create(base() + progress)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } while (answer.statusCode() == 200 && answer.body().contains("comparison-progress"));
        assertThat(answer.statusCode()).isEqualTo(302);
        String page = new HttpApi(port).get(answer.headers().firstValue("Location").orElseThrow()
                .replaceFirst("^https?://[^/]+", "")).body();
        // The cell lists the first problems, then how many more there are, linked to the run.
        assertThat(page).contains(String.format("%,d problems:", problems))
                .contains(String.format("and %,d more", problems - ComparisonRow.PROBLEMS_SHOWN));
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
