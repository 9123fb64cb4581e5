package dev.piecewise.run;

import dev.piecewise.fixtures.FixtureAssertions;
import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.fixtures.Fixtures.Expectation;
import dev.piecewise.fixtures.ObservedRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every fixture expectation, the original cases and (on H2) the real-model corpus, through the HTTP API in every form
 * PyTorch writes: graph.txt as multipart, graph.json as a raw JSON body, readable.py, code.py and a
 * TORCH_LOGS=graph_code log as raw text, and what piecewise.py's backend exported where it ran on the same model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiFixtureTest {

    @LocalServerPort
    int port;

    /**
     * On PostgreSQL the original fixtures only: the corpus checks partition semantics, which no database changes, and
     * run on both it took three minutes of CI each time.
     */
    static Stream<Expectation> expectations() {
        return Stream.concat(Fixtures.expectations().stream(),
                TestDatabase.isPostgres() ? Stream.empty() : Fixtures.corpusExpectations().stream());
    }

    @ParameterizedTest(name = "{0}: graph.txt, multipart")
    @MethodSource("expectations")
    void fxTextUploadMatchesPyTorch(Expectation expectation) {
        String text = Fixtures.read(expectation.fixtureCase(), "graph.txt");
        HttpApi.Response response = new HttpApi(port).postMultipart("graph.txt", text.getBytes(StandardCharsets.UTF_8),
                options(expectation));
        check(expectation, response, false);
    }

    @ParameterizedTest(name = "{0}: graph.json, raw body")
    @MethodSource("expectations")
    void fxJsonUploadMatchesPyTorch(Expectation expectation) {
        postRawAndCheck(expectation, "graph.json", "application/json", true);
    }

    @ParameterizedTest(name = "{0}: readable.py, raw body")
    @MethodSource("expectations")
    void fxPythonUploadMatchesPyTorch(Expectation expectation) {
        // Dynamo captures (those with a graph.json) carry shapes in print_readable; symbolic_trace ones do not.
        boolean shapes = Fixtures.exists(expectation.fixtureCase(), "graph.json");
        HttpApi.Response response = postRawAndCheck(expectation, "readable.py", "text/x-python", shapes);
        assertThat(response.json().get("graph").get("shapesKnown").asBoolean()).as("shapes known").isEqualTo(shapes);
    }

    @ParameterizedTest(name = "{0}: code.py, raw body")
    @MethodSource("expectations")
    void gmCodeUploadMatchesPyTorch(Expectation expectation) {
        postRawAndCheck(expectation, "code.py", "text/x-python", false);
    }

    @ParameterizedTest(name = "{0}: graph_code.log, raw body")
    @MethodSource("expectations")
    void graphCodeLogUploadMatchesPyTorch(Expectation expectation) {
        HttpApi.Response response = postRawAndCheck(expectation, "graph_code.log", "text/plain", true);
        assertThat(response.json().get("graph").get("shapesKnown").asBoolean()).as("shapes known").isTrue();
    }

    /** piecewise.py's export of the same Dynamo graph (torch 2.11), which CI cannot make itself. */
    @ParameterizedTest(name = "{0}: piecewise.py's export, raw body")
    @MethodSource("expectations")
    void clientExportMatchesPyTorch(Expectation expectation) {
        java.nio.file.Path export = Fixtures.clientExport(expectation.fixtureCase());
        assumeTrue(export != null, "piecewise.py exported no graph of this case");
        check(expectation, postRaw(expectation, Fixtures.read(export), "application/json"), true);
    }

    /** Posts the case's {@code file} as a raw body (skipped where the case has none) and checks the run. */
    private HttpApi.Response postRawAndCheck(Expectation expectation, String file, String contentType, boolean fullInputs) {
        assumeTrue(Fixtures.exists(expectation.fixtureCase(), file), "no " + file + " for this case");
        HttpApi.Response response = postRaw(expectation, Fixtures.read(expectation.fixtureCase(), file), contentType);
        check(expectation, response, fullInputs);
        return response;
    }

    private HttpApi.Response postRaw(Expectation expectation, String text, String contentType) {
        return new HttpApi(port).postRaw(text.getBytes(StandardCharsets.UTF_8), contentType, options(expectation));
    }

    private void check(Expectation expectation, HttpApi.Response response, boolean fullInputs) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode run = response.json();
        assertThat(response.location()).isEqualTo("/api/runs/" + run.get("id").asString());
        Set<String> original = Fixtures.originalNodeNames(expectation.fixtureCase());
        FixtureAssertions.assertMatches(expectation, observe(run), fullInputs, original);
        // What was stored is what was returned.
        HttpApi.Response stored = new HttpApi(port).get(response.location());
        assertThat(stored.json()).isEqualTo(run);
    }

    static Map<String, String> options(Expectation expectation) {
        String[] key = expectation.key().split("\\|");
        String merge = String.valueOf(key[2].equals("merge"));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("splittingOps", String.join(",", expectation.splittingOps()));
        options.put("sizeStrategy", key[0]);
        options.put("getitemRule", key[1]);
        options.put("mergeConsecutiveSplits", merge);
        options.put("mergeEmptyAllocations", merge);
        return options;
    }

    static ObservedRun observe(JsonNode run) {
        Map<String, Integer> assignment = new LinkedHashMap<>();
        List<ObservedRun.ObservedSubmodule> subs = run.get("submodules").values().stream().map(s -> {
            // Copies of grad-mode and autocast nodes are named like originals; only originals have a placement.
            Set<String> copies = new HashSet<>();
            s.get("copies").values().forEach(c -> copies.add(c.get("name").asString()));
            s.get("nodes").values().stream().map(JsonNode::asString).filter(n -> !copies.contains(n))
                    .forEach(n -> assignment.put(n, s.get("graphId").asInt()));
            List<JsonNode> inputs = List.copyOf(s.get("inputs").values());
            List<JsonNode> data = inputs.stream().filter(v -> !v.get("threaded").asBoolean()).toList();
            List<JsonNode> outputs = List.copyOf(s.get("outputs").values());
            return new ObservedRun.ObservedSubmodule(s.get("name").asString(), s.get("graphId").asInt(),
                    s.get("splitting").asBoolean(), Fixtures.strings(s.get("nodes")), names(inputs), kinds(inputs),
                    names(data), kinds(data), names(outputs), kinds(outputs));
        }).toList();
        Map<String, String> created = new HashMap<>();
        run.get("createdNodes").values().forEach(n -> created.put(n.get("name").asString(), n.get("kind").asString()));
        JsonNode verdict = run.get("verdict");
        return new ObservedRun(verdict.get("outcome").asString(),
                verdict.get("error").isNull() ? null : verdict.get("error").asString(),
                verdict.get("compilable").asBoolean(), subs, assignment, created);
    }

    private static List<String> names(List<JsonNode> values) {
        return values.stream().map(v -> v.get("name").asString()).toList();
    }

    private static List<String> kinds(List<JsonNode> values) {
        return values.stream().map(v -> v.get("kind").asString()).toList();
    }
}
