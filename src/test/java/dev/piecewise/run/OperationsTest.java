package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Health, metrics, the OpenAPI description and request logs, over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
@ExtendWith(OutputCaptureExtension.class)
class OperationsTest {

    @LocalServerPort
    int port;

    @Test
    void publicHealthIsTheStatusOnly() {
        JsonNode health = new HttpApi(port).get("/actuator/health").json();
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as("database type, paths and disk space are for admins").isFalse();
    }

    @Test
    void metricsCountRunsPartitionTimeAndUploadSize() {
        HttpApi api = new HttpApi(port);
        double before = count(api, "piecewise.runs.created");
        byte[] graph = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
        api.postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::moe"));
        assertThat(count(api, "piecewise.runs.created")).isEqualTo(before + 1);
        assertThat(api.get("/actuator/metrics/piecewise.runs.created?tag=outcome:ok&tag=format:fx-text").status()).isEqualTo(200);
        assertThat(count(api, "piecewise.partition.time")).isGreaterThanOrEqualTo(1);
        JsonNode size = api.get("/actuator/metrics/piecewise.upload.size").json();
        assertThat(size.get("baseUnit").asString()).isEqualTo("bytes");
        assertThat(size.findValues("value").stream().mapToDouble(JsonNode::asDouble).max().orElse(0))
                .isGreaterThanOrEqualTo(graph.length);
    }

    private static double count(HttpApi api, String metric) {
        HttpApi.Response response = api.get("/actuator/metrics/" + metric);
        if (response.status() == 404) {
            return 0;
        }
        for (JsonNode m : response.json().get("measurements").values()) {
            if (m.get("statistic").asString().equals("COUNT")) {
                return m.get("value").asDouble();
            }
        }
        return 0;
    }

    @Test
    void openApiDescribesTheRunsApi() {
        HttpApi api = new HttpApi(port);
        JsonNode doc = api.get("/v3/api-docs").json();
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/api/runs")).isTrue();
        assertThat(paths.has("/api/runs/{id}")).isTrue();
        assertThat(paths.get("/api/runs").has("post")).isTrue();
        assertThat(paths.get("/api/runs/{id}").has("delete")).isTrue();
        assertThat(doc.get("info").get("title").asString()).isEqualTo("Piecewise API");
        assertThat(doc.toString()).contains("move-single-consumer").contains("multipart/form-data").contains("graphIndex");
        JsonNode post = paths.get("/api/runs").get("post");
        assertThat(post.get("requestBody").get("content").has("text/plain")).isTrue();
        assertThat(post.get("requestBody").get("content").has("application/json")).isTrue();
        assertThat(paths.get("/api/runs/{id}").get("delete").get("responses").has("204")).isTrue();
        HttpApi.Response ui = api.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(api.get("/swagger-ui.html").status()).isIn(200, 302);
    }

    @Test
    void requestsAreLoggedWithoutGraphContents(CapturedOutput output) throws InterruptedException {
        String graph = Fixtures.read("moe_view", "graph.txt");
        HttpApi.Response created = new HttpApi(port).postRaw(graph.getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("splittingOps", "oracle::moe", "name", "secret-model-name"));
        String logged = lineOnceLogged(output, "location=" + created.location());
        assertThat(logged).contains("method=POST path=/api/runs status=201")
                .contains("requestBytes=" + graph.getBytes(StandardCharsets.UTF_8).length);
        assertThat(output.getOut()).doesNotContain("l_self_modules_gate_parameters_weight_").doesNotContain("secret-model-name");
    }

    /**
     * The request's line is written once the filter chain returns, which can be just after the client has read the
     * whole answer; so wait for it, up to ten seconds.
     */
    private static String lineOnceLogged(CapturedOutput output, String part) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!output.getOut().contains(part) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return output.getOut().lines().filter(line -> line.contains(part)).findFirst().orElse("");
    }
}
