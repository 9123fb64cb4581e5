package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication on, over real HTTP as curl would: tokens made by the first admin token, roles, revocation. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"piecewise.auth.enabled=true", "piecewise.auth.admin-token=first-admin-secret"})
@ActiveProfiles(resolver = TestDatabase.class)
class AuthOverHttpTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);

    @LocalServerPort
    int port;

    private String token(String role) {
        HttpApi.Response created = new HttpApi(port, "first-admin-secret").send("/api/admin/tokens", r -> r
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + role + " token\", \"role\": \"" + role + "\"}")));
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("token").asString();
    }

    @Test
    void deleteIsForAdminsOnly() {
        String uploader = token("uploader");
        HttpApi.Response run = new HttpApi(port, uploader).postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe"));
        assertThat(run.status()).isEqualTo(201);
        String path = run.location();

        HttpApi.Response anonymous = new HttpApi(port).delete(path);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");

        HttpApi.Response viewer = new HttpApi(port, token("viewer")).delete(path);
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.contentType()).startsWith("application/problem+json");
        assertThat(new HttpApi(port, uploader).delete(path).status()).isEqualTo(403);

        assertThat(new HttpApi(port, token("admin")).delete(path).status()).isEqualTo(204);
        assertThat(new HttpApi(port, uploader).get(path).status()).isEqualTo(404);
    }

    @Test
    void revokedAndUnknownTokensAre401AndTokensAreStoredHashed() {
        HttpApi admin = new HttpApi(port, "first-admin-secret");
        String viewer = token("viewer");
        assertThat(new HttpApi(port, viewer).get("/api/runs").status()).isEqualTo(200);
        JsonNode tokens = admin.get("/api/admin/tokens").json();
        assertThat(tokens.toString()).doesNotContain(viewer);
        String id = null;
        for (JsonNode t : tokens) {
            if (t.get("name").asString().equals("viewer token")) {
                id = t.get("id").asString();
            }
        }
        assertThat(admin.delete("/api/admin/tokens/" + id).status()).isEqualTo(204);
        assertThat(new HttpApi(port, viewer).get("/api/runs").status()).isEqualTo(401);
        assertThat(new HttpApi(port, "pw_guessed").get("/api/runs").status()).isEqualTo(401);
    }

    @Test
    void healthDetailsOnlyForAdmins() {
        assertThat(new HttpApi(port).get("/actuator/health").json().has("components")).isFalse();
        assertThat(new HttpApi(port, token("viewer")).get("/actuator/health").json().has("components")).isFalse();
        JsonNode full = new HttpApi(port, "first-admin-secret").get("/actuator/health").json();
        assertThat(full.get("components").get("db").get("status").asString()).isEqualTo("UP");
    }
}
