package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage failures on the H2 file database, in a separate JVM: a database closed under the service (as H2 does
 * after an out-of-memory or I/O error in its writer) is a 503 naming the cause until the pool reopens it, by
 * itself; a read-only database is a 503 on writes, reads still work, and health is DOWN.
 */
class StorageFailureTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> MOE = Map.of("splittingOps", "oracle::moe");
    private static final String ADMIN = "storage-test-admin-token";

    @TempDir
    Path workDir;

    @Test
    void aClosedDatabaseIs503UntilTheServiceReopensItAndAReadOnlyOneIsDown() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(TestDatabase.isPostgres(), "H2's own failure modes");
        String url = "jdbc:h2:file:" + workDir.resolve("data/piecewise") + ";WRITE_DELAY=0";
        // AUTO_SERVER lets this test open the service's database too, to close it under the service.
        String shared = url + ";AUTO_SERVER=TRUE";
        String kept;
        try (ServiceProcess service = ServiceProcess.start(workDir, "--spring.datasource.url=" + shared,
                "--piecewise.auth.enabled=true", "--piecewise.auth.public-read=true", "--piecewise.auth.admin-token=" + ADMIN)) {
            HttpApi api = new HttpApi(service.port, ADMIN);
            HttpApi.Response first = api.postRaw(GRAPH, "text/plain", MOE);
            assertThat(first.status()).isEqualTo(201);
            kept = first.json().get("id").asString();

            // SHUTDOWN closes the database under the pool's open connections, as H2 does after a writer failure.
            closeDatabase(shared);
            int recoveredAfter = -1;
            for (int attempt = 0; attempt < 20 && recoveredAfter < 0; attempt++) {
                HttpApi.Response r = api.postRaw(GRAPH, "text/plain", MOE);
                if (r.status() == 201) {
                    recoveredAfter = attempt;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.json().get("type").asString()).endsWith("/storage-unavailable");
                    assertThat(r.header("Retry-After")).isNotNull();
                }
            }
            assertThat(recoveredAfter).as("attempts until the service stored runs again by itself").isBetween(0, 19);
            assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
            assertThat(api.get("/api/runs/" + kept).status()).isEqualTo(200);
        }
        try (ServiceProcess readOnly = ServiceProcess.start(workDir, "--spring.datasource.url=" + url + ";ACCESS_MODE_DATA=r",
                "--spring.flyway.enabled=false", "--piecewise.auth.enabled=true", "--piecewise.auth.public-read=true",
                "--piecewise.auth.admin-token=" + ADMIN)) {
            HttpApi api = new HttpApi(readOnly.port, ADMIN);
            HttpApi.Response write = api.postRaw(GRAPH, "text/plain", MOE);
            assertThat(write.status()).as(write.body()).isEqualTo(503);
            assertThat(write.json().get("detail").asString()).containsIgnoringCase("read only");
            assertThat(api.get("/api/runs/" + kept).status()).isEqualTo(200);
            JsonNode health = api.get("/actuator/health").json();
            assertThat(health.get("status").asString()).isEqualTo("DOWN");
            assertThat(health.get("components").get("databaseWritable").get("status").asString()).isEqualTo("DOWN");
            assertThat(new HttpApi(readOnly.port).get("/actuator/health").json().has("components")).isFalse();
        }
    }

    private static void closeDatabase(String url) {
        try (var connection = java.sql.DriverManager.getConnection(url, "sa", "");
             var statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (java.sql.SQLException closedUnderUs) {
            // the remote session ends with the database: that is the point
            assertThat(closedUnderUs.getErrorCode()).isEqualTo(90067);
        }
    }
}
