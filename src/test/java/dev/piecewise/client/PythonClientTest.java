package dev.piecewise.client;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.run.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * piecewise.py against the running service with real PyTorch (Debian's python3-torch on CI): fetched from
 * /client/piecewise.py, used as a backend on symbolic_trace graphs (and through torch.compile where the torch has
 * Dynamo). Skipped when no python3 with torch is installed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class PythonClientTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static String python;

    @LocalServerPort
    int port;

    @TempDir
    Path work;

    @BeforeAll
    static void findPythonWithTorch() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    return;
                }
            } catch (IOException notThere) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServedClientIsTheRepositorysFile() throws Exception {
        HttpResponse<String> response = get("/client/piecewise.py");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/x-python");
        assertThat(response.body()).isEqualTo(Files.readString(Path.of("src/main/python/piecewise.py")));
    }

    @Test
    void theBackendPostsEveryGraphPrintsItsPageAndRunsTheGraphUnchanged() throws Exception {
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path client = Files.createDirectories(work.resolve("client"));
        Files.writeString(client.resolve("piecewise.py"), get("/client/piecewise.py").body());
        Path script = work.resolve("backend_check.py");
        Files.writeString(script, Fixtures.read(Path.of("src/test/resources/client/backend_check.py")));
        Process process = new ProcessBuilder(python, script.toString(), "http://localhost:" + port, client.toString(),
                work.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(line(output, "SAME_RESULT")).isEqualTo("True");
        String log = line(output, "LOG");
        assertThat(log).contains("st_moe_view 0").contains("http://localhost:" + port + "/runs/");
        String runId = log.substring(log.lastIndexOf("/runs/") + "/runs/".length()).trim();
        JsonNode run = JSON.readTree(get("/api/runs/" + runId).body());
        assertThat(run.get("format").asString()).isEqualTo("fx-json");
        // What real split_module made of the same graph (expected.json of st_moe_view, none|off|nomerge).
        JsonNode expected = Fixtures.expected("st_moe_view").get("strategies").get("none|off|nomerge").get("submodules");
        assertThat(run.get("submodules").size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(names(run.get("submodules").get(i).get("nodes"))).isEqualTo(names(expected.get(i).get("nodes")));
            assertThat(names(run.get("submodules").get(i).get("inputs"), "name"))
                    .isEqualTo(names(expected.get(i).get("inputs")));
        }

        // moe_view's expected.json: without size handling (none|vllm|merge) AOTAutograd fails.
        assertThat(Fixtures.expected("moe_view").get("strategies").get("none|vllm|merge").get("compilable").asBoolean())
                .isFalse();
        String raised = line(output, "RAISED");
        assertThat(raised).endsWith(" aot-fails");
        assertThat(get("/api/runs/" + raised.split(" ")[0]).statusCode()).isEqualTo(200);
        assertThat(line(output, "HANDED")).isEqualTo("[1]");

        String[] export = line(output, "EXPORT").split(" ");
        assertThat(export[0]).as(line(output, "EXPORT")).isEqualTo("0");
        String exported = Files.readString(work.resolve("graph.json"));
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/runs?splittingOps=oracle::moe"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(exported)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        assertThat(JSON.readTree(posted.body()).get("graph").get("nodeCount").asInt())
                .isEqualTo(Integer.parseInt(export[1]));

        String dynamo = line(output, "DYNAMO");
        if (!dynamo.startsWith("unavailable")) {
            assertThat(dynamo).contains("dynamo_moe_view 0").contains("/runs/");
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.get(field).asString()));
        return names;
    }

    private static String line(String output, String key) {
        return output.lines().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " line in:\n" + output));
    }
}
