package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written by the release before run documents (schema V3): runs of every outcome, relocation action,
 * problem direction, split views, a TORCH_LOGS graph and a comparison group, as that release stored them
 * (src/test/resources/migration/v3-runs.sql, an H2 SCRIPT of its tables) with the API's answers it gave
 * (v3-runs.json). After the upgrade migrates it, every run answers the same JSON. Runs on H2, and again on
 * PostgreSQL (in a schema of its own) when the build is given a server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunDocumentMigrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path FIXTURES = Path.of("src/test/resources/migration");

    @LocalServerPort
    int port;

    /** Builds the V3 database before the application starts on it and migrates it to the current schema. */
    @DynamicPropertySource
    static void databaseWrittenByV3(DynamicPropertyRegistry registry) throws Exception {
        String url;
        DriverManagerDataSource dataSource;
        if (TestDatabase.isPostgres()) {
            String server = System.getenv("PIECEWISE_DB_URL");
            String user = System.getenv("PIECEWISE_DB_USER");
            String password = System.getenv().getOrDefault("PIECEWISE_DB_PASSWORD", "");
            String schema = "v3_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection db = new DriverManagerDataSource(server, user, password).getConnection();
                 Statement create = db.createStatement()) {
                create.execute("create schema " + schema);
            }
            url = server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            dataSource = new DriverManagerDataSource(url, user, password);
        } else {
            url = "jdbc:h2:mem:v3-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            dataSource = new DriverManagerDataSource(url, "sa", "");
        }
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("3").load().migrate();
        try (Connection db = dataSource.getConnection(); Statement insert = db.createStatement()) {
            for (String line : Fixtures.read(FIXTURES.resolve("v3-runs.sql")).split("\n")) {
                if (line.startsWith("INSERT")) {
                    // H2 names its tables "PUBLIC"."RUNS"; PostgreSQL folds the same tables to runs.
                    insert.execute(TestDatabase.isPostgres() ? unquoteTable(line) : line);
                }
            }
            try (var rs = insert.executeQuery("select count(*) from runs")) {
                rs.next();
                assertThat(rs.getInt(1)).as("runs written by V3").isGreaterThan(50);
            }
        }
        registry.add("spring.datasource.url", () -> url);
    }

    private static String unquoteTable(String insert) {
        java.util.regex.Matcher table = java.util.regex.Pattern.compile("^INSERT INTO \"PUBLIC\"\\.\"(\\w+)\"").matcher(insert);
        assertThat(table.find()).as(insert.substring(0, Math.min(80, insert.length()))).isTrue();
        return "INSERT INTO " + table.group(1).toLowerCase(java.util.Locale.ROOT) + insert.substring(table.end());
    }

    @Test
    void everyRunStoredBeforeReadsBackAsTheApiAnsweredIt() {
        HttpApi api = new HttpApi(port);
        JsonNode before = JSON.readTree(Fixtures.read(FIXTURES.resolve("v3-runs.json")));
        List<String> ids = new ArrayList<>();
        before.properties().forEach(e -> ids.add(e.getKey()));
        assertThat(ids).hasSizeGreaterThan(50);
        for (String id : ids) {
            HttpApi.Response response = api.get("/api/runs/" + id);
            assertThat(response.status()).as(id).isEqualTo(200);
            assertThat(withoutAddedFields(response.json(), id)).as(id).isEqualTo(before.get(id));
        }
        JsonNode outcomes = JSON.valueToTree(ids.stream().map(id -> before.get(id).get("verdict").get("outcome").asString())
                .distinct().sorted().toList());
        assertThat(outcomes.toString()).isEqualTo("[\"aot-fails\",\"bad-call\",\"ok\",\"split-fails\"]");
    }

    /**
     * The run without the fields added since (the API adds fields, never renames them): the submodules'
     * {@code copies}, the verdict's {@code notSplit} and {@code splittingOpCandidates}, {@code repetition} and the
     * run's {@code links}. A run stored before knows of no copies, was not known to be unsplit and knows of no
     * repeated pieces, so it reports none, false and null.
     */
    private static JsonNode withoutAddedFields(JsonNode run, String id) {
        JsonNode copy = run.deepCopy();
        tools.jackson.databind.node.ObjectNode verdict = (tools.jackson.databind.node.ObjectNode) copy.get("verdict");
        assertThat(verdict.remove("notSplit").asBoolean()).as(id).isFalse();
        assertThat(verdict.remove("splittingOpCandidates").isEmpty()).as(id).isTrue();
        assertThat(copy.get("repetition").isNull()).as(id + " repetition").isTrue();
        ((tools.jackson.databind.node.ObjectNode) copy).remove("repetition");
        assertThat(copy.get("links").get("self").asString()).isEqualTo("/api/runs/" + id);
        ((tools.jackson.databind.node.ObjectNode) copy).remove("links");
        List<JsonNode> submodules = new ArrayList<>(copy.get("submodules").values());
        if (!copy.get("splitView").isNull()) {
            submodules.addAll(copy.get("splitView").get("submodules").values());
        }
        for (JsonNode submodule : submodules) {
            assertThat(submodule.get("copies").isEmpty()).as(id + " " + submodule.get("name")).isTrue();
            ((tools.jackson.databind.node.ObjectNode) submodule).remove("copies");
        }
        return copy;
    }

    @Test
    void aComparisonStoredBeforeIsFoundAgain() {
        HttpApi api = new HttpApi(port);
        JsonNode before = JSON.readTree(Fixtures.read(FIXTURES.resolve("v3-runs.json")));
        List<String> members = before.properties().stream().filter(e -> !e.getValue().get("compareGroup").isNull())
                .map(Map.Entry::getKey).toList();
        assertThat(members).hasSize(8);
        String group = before.get(members.get(0)).get("compareGroup").asString();
        String page = api.get("/runs/" + members.get(3) + "/compare").body();
        members.forEach(id -> assertThat(page).contains("data-run=\"" + id + "\""));
        assertThat(page).doesNotContain("Run every option set");
        long runs = api.get("/api/runs?size=1").json().get("total").asLong();
        HttpApi.Response again = api.submitForm("/", "/runs/" + members.get(3) + "/compare", "");
        assertThat(again.location()).endsWith("/comparing/" + group);
        assertThat(api.get("/api/runs?size=1").json().get("total").asLong()).isEqualTo(runs);
    }

    @Test
    void uploadsHistoryAndPagesSurviveTheUpgrade() {
        HttpApi api = new HttpApi(port);
        JsonNode before = JSON.readTree(Fixtures.read(FIXTURES.resolve("v3-runs.json")));
        String moe = null;
        for (Map.Entry<String, JsonNode> e : before.properties()) {
            if (e.getValue().get("name").asString().equals("moe_view/graph.txt")) {
                moe = e.getKey();
            }
        }
        assertThat(api.get("/api/runs/" + moe + "/upload").body()).isEqualTo(Fixtures.read("moe_view", "graph.txt"));
        JsonNode page = api.get("/api/runs?size=200").json();
        assertThat(page.get("total").asInt()).isEqualTo(before.size());
        JsonNode failing = api.get("/api/runs?size=200&verdict=split-fails").json();
        assertThat(failing.get("total").asInt()).isEqualTo((int) before.valueStream()
                .filter(r -> r.get("verdict").get("outcome").asString().equals("split-fails")).count());
        HttpApi.Response runPage = api.get("/runs/" + moe);
        assertThat(runPage.status()).isEqualTo(200);
        assertThat(runPage.body()).contains("nodes are listed by name only");
    }
}
