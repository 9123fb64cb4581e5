package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get the right problem response over real HTTP and leave no row behind. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiErrorTest {

    private static final String MOE_VIEW = Fixtures.read("moe_view", "graph.txt");
    private static final Map<String, String> MOE = Map.of("splittingOps", "oracle::moe");

    @LocalServerPort
    int port;

    @Autowired
    RunRepository repository;

    private HttpApi api;
    private long runsBefore;
    private long uploadsBefore;

    @BeforeEach
    void countRows() {
        api = new HttpApi(port);
        runsBefore = repository.count();
        uploadsBefore = repository.uploadCount();
    }

    @AfterEach
    void nothingStored() {
        assertThat(repository.count()).as("runs stored by failed requests").isEqualTo(runsBefore);
        assertThat(repository.uploadCount()).as("uploads stored by failed requests").isEqualTo(uploadsBefore);
    }

    private static String line(String text, int lineNumber) {
        return text.split("\n", -1)[lineNumber - 1];
    }

    private static String withLine(String text, int lineNumber, String replacement) {
        List<String> lines = new java.util.ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.set(lineNumber - 1, replacement);
        return String.join("\n", lines);
    }

    private JsonNode badGraph(String text, int line, int column) {
        HttpApi.Response response = api.postRaw(text.getBytes(StandardCharsets.UTF_8), "text/plain", MOE);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).endsWith("/bad-graph");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("line").asInt()).as(problem.toString()).isEqualTo(line);
        assertThat(problem.get("column").asInt()).as(problem.toString()).isEqualTo(column);
        return problem;
    }

    @Test
    void truncatedLineNamesWhereItEnds() {
        String router = line(MOE_VIEW, 7);
        String truncated = withLine(MOE_VIEW, 7, router.substring(0, router.indexOf("%l_self")));
        JsonNode problem = badGraph(truncated, 7, truncated.split("\n")[6].length() + 1);
        assertThat(problem.get("detail").asString()).contains("line 7");
    }

    @Test
    void truncatedFileHasNoOutput() {
        String cut = MOE_VIEW.substring(0, MOE_VIEW.indexOf("    return"));
        HttpApi.Response response = api.postRaw(cut.getBytes(StandardCharsets.UTF_8), "text/plain", MOE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("no output");
    }

    @Test
    void unknownReferenceIsPointedAt() {
        String out = line(MOE_VIEW, 8).replace("%router", "%nope");
        JsonNode problem = badGraph(withLine(MOE_VIEW, 8, out), 8, out.indexOf("%nope") + 1);
        assertThat(problem.get("detail").asString()).contains("nope");
    }

    @Test
    void referenceToALaterNodeIsRejected() {
        // A node using a later one would make the graph a cycle; FX graphs only reference earlier nodes.
        String x = line(MOE_VIEW, 6).replace("%l_x_, -1", "%view_1, -1");
        JsonNode problem = badGraph(withLine(MOE_VIEW, 6, x), 6, x.indexOf("%view_1") + 1);
        assertThat(problem.get("detail").asString()).contains("view_1").contains("not defined before");
    }

    @Test
    void duplicateNamesAreRejected() {
        String copy = line(MOE_VIEW, 6);
        String doubled = withLine(MOE_VIEW, 6, copy + "\n" + copy);
        JsonNode problem = badGraph(doubled, 7, copy.indexOf('%') + 1);
        assertThat(problem.get("detail").asString()).contains("duplicate").contains("'x'");
    }

    @Test
    void brokenJsonNamesLineAndColumn() {
        String json = Fixtures.read("moe_view", "graph.json");
        String truncated = json.substring(0, json.indexOf("\"router\""));
        HttpApi.Response response = api.postRaw(truncated.getBytes(StandardCharsets.UTF_8), "application/json", MOE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("line").asInt()).isEqualTo(truncated.split("\n", -1).length);
    }

    @Test
    void jsonReferenceToUnknownNodeNamesTheNode() {
        String json = Fixtures.read("moe_view", "graph.json").replace("\"node\": \"router\"", "\"node\": \"nope\"");
        HttpApi.Response response = api.postRaw(json.getBytes(StandardCharsets.UTF_8), "application/json", MOE);
        assertThat(response.status()).isEqualTo(400);
        JsonNode problem = response.json();
        assertThat(problem.get("detail").asString()).contains("'nope'");
        // The "out" node object that holds the reference opens on this line.
        String[] lines = json.split("\n", -1);
        int outLine = Arrays.asList(lines).indexOf("   \"name\": \"out\",");
        assertThat(problem.get("line").asInt()).isEqualTo(outLine);
    }

    @Test
    void binaryGarbageIsNotAGraph() {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = (byte) 0xff;
        HttpApi.Response response = api.postRaw(garbage, "application/octet-stream", MOE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("not UTF-8");
        assertThat(response.json().get("line").asInt()).isEqualTo(1);
    }

    @Test
    void emptyBodyIsAClearError() {
        HttpApi.Response response = api.postRaw(new byte[0], "text/plain", MOE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("empty");
    }

    @Test
    void aBodyDeclaredOverTheDefaultLimitIs413AtOnce() throws Exception {
        // The default limit takes the text of a million-node graph (111 MB); the answer comes before any body does.
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(("POST /api/runs?splittingOps=oracle::moe HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: " + 300L * 1024 * 1024 + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            // The connection stays open (the server swallows the body that never comes): read up to the problem's end.
            while (answer.indexOf("\"}") < 0 && (n = socket.getInputStream().read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 413").contains("upload-too-large")
                    .contains("the limit of 256 MB (piecewise.upload.max-size").contains(".tar.gz");
        }
    }

    @Test
    void unknownOptionValueNamesTheAcceptedOnes() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("sizeStrategy", "shrink"));
        assertThat(response.status()).isEqualTo(400);
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).endsWith("/bad-option");
        assertThat(problem.get("option").asString()).isEqualTo("sizeStrategy");
        assertThat(problem.get("detail").asString()).contains("shrink").contains("decompose-list")
                .contains("move-single-consumer").contains("duplicate");
    }

    @Test
    void unknownOptionNameIsRejected() {
        HttpApi.Response response = api.postMultipart("g.txt", MOE_VIEW.getBytes(StandardCharsets.UTF_8),
                Map.of("sizestrategy", "none"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("sizestrategy").contains("sizeStrategy");
    }

    @Test
    void malformedSplittingOpIsRejected() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("splittingOps", "oracle.moe"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("ns::op");
    }

    @Test
    void unsupportedContentTypeIs415() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8), "application/xml", MOE);
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void curlsDefaultContentTypeIsRefusedWithTheFix() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded", MOE);
        assertThat(response.status()).isEqualTo(415);
        JsonNode problem = response.json();
        assertThat(problem.get("detail").asString()).contains("-H 'Content-Type: text/plain'");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/runs");
    }

    @Test
    void anUnacceptableAcceptHeaderIs406BeforeAnythingIsStored() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8), "text/plain", MOE,
                "application/xml");
        assertThat(response.status()).isEqualTo(406);
    }

    @Test
    void aBadPageNumberNamesTheParameter() {
        HttpApi.Response response = api.get("/api/runs?page=abc");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("option").asString()).isEqualTo("page");
        assertThat(response.json().get("detail").asString()).contains("whole number").doesNotContain("java.lang");
    }

    @Test
    void malformedMultipartIs400() {
        HttpApi.Response response = api.postRaw("garbage".getBytes(StandardCharsets.UTF_8),
                "multipart/form-data; boundary=nothing-here", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aRenamedSubmoduleInASplitModuleIsAParseError() {
        String broken = Fixtures.read("moe_view", "computation_graph.py").replace("submod_1", "submod_x");
        HttpApi.Response response = api.postRaw(broken.getBytes(StandardCharsets.UTF_8), "text/plain", MOE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("type").asString()).endsWith("/bad-graph");
        assertThat(response.json().get("detail").asString()).contains("submod_x");
    }

    @Test
    void anOptionGivenTwiceIsRejected() {
        HttpApi.Response response = api.postRaw(MOE_VIEW.getBytes(StandardCharsets.UTF_8), "text/plain",
                "?sizeStrategy=none&sizeStrategy=duplicate", null);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("option").asString()).isEqualTo("sizeStrategy");
        assertThat(response.json().get("detail").asString()).contains("2 times");
    }

    @Test
    void unknownRunIs404() {
        HttpApi.Response response = api.get("/api/runs/no-such-run");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("type").asString()).endsWith("/run-not-found");
        assertThat(api.delete("/api/runs/no-such-run").status()).isEqualTo(404);
    }

    @Test
    void unmappedPathIsAProblemToo() {
        HttpApi.Response response = api.get("/api/nothing-here");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    /** Input nested far past the cap is a 400 naming the limit and the line, in every format, never a 500. */
    @Test
    void nestingPastTheCapIsABadGraph() {
        String open = "(".repeat(100_000);
        String close = ")".repeat(100_000);
        List<String> uploads = List.of(
                "def forward(self, x):\n    y = torch.f(" + open + "x" + close + ")\n    return y\n",
                "graph():\n    %x : [num_users=1] = placeholder[target=x]\n    %y : [num_users=1] = "
                        + "call_function[target=f](args = (" + open + "%x" + close + ",), kwargs = {})\n    return y\n",
                "{\"format\": \"fx-graph-json/1\",\n\"nodes\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        for (String upload : uploads) {
            HttpApi.Response response = api.postRaw(upload.getBytes(StandardCharsets.UTF_8), "text/plain", MOE);
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            JsonNode problem = response.json();
            assertThat(problem.get("type").asString()).endsWith("/bad-graph");
            assertThat(problem.get("detail").asString()).contains("nesting deeper than")
                    .contains("piecewise.limits.max-nesting-depth");
            assertThat(problem.get("line").asInt()).isBetween(2, 3);
        }
    }
}
