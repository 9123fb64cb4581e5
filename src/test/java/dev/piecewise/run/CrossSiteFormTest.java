package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With authentication off (the default), a form posted from another site is refused: it cannot carry the CSRF
 * token of this site's pages. The same form from the page itself works.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class CrossSiteFormTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);

    @LocalServerPort
    int port;

    private String createRun(HttpApi api) {
        HttpApi.Response run = api.postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe"));
        assertThat(run.status()).isEqualTo(201);
        return run.json().get("id").asString();
    }

    private static HttpApi.Response crossSitePost(HttpApi api, String path, String form) {
        return api.send(path, r -> r.header("Origin", "http://evil.example").header("Referer", "http://evil.example/x")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    @Test
    void crossSiteDeleteCompareAndUploadAreRefused() {
        HttpApi api = new HttpApi(port);
        String id = createRun(api);
        long before = api.get("/api/runs").json().get("total").asLong();

        assertThat(crossSitePost(api, "/runs/" + id + "/delete", "").status()).isEqualTo(403);
        assertThat(crossSitePost(api, "/runs/" + id + "/compare", "").status()).isEqualTo(403);
        assertThat(crossSitePost(api, "/runs", "text=graph()&splittingOps=oracle::moe").status()).isEqualTo(403);
        assertThat(crossSitePost(api, "/runs/" + id + "/delete", "_csrf=guessed").status()).isEqualTo(403);

        assertThat(api.get("/api/runs/" + id).status()).isEqualTo(200);
        assertThat(api.get("/api/runs").json().get("total").asLong()).isEqualTo(before);
    }

    /**
     * An API client carries no cookie and needs no CSRF token, so it gets no session: a harness posting thousands of
     * runs would otherwise leave thousands of sessions in memory for half an hour. A page does get one, for its forms.
     */
    @Test
    void apiClientsGetNoSessionPagesDo() {
        HttpApi api = new HttpApi(port);
        HttpApi.Response raw = api.postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe"));
        assertThat(raw.status()).isEqualTo(201);
        assertThat(raw.header("Set-Cookie")).isNull();
        HttpApi.Response multipart = api.postMultipart("graph.txt", GRAPH, Map.of("splittingOps", "oracle::moe"));
        assertThat(multipart.status()).isEqualTo(201);
        assertThat(multipart.header("Set-Cookie")).isNull();
        String id = raw.json().get("id").asString();
        assertThat(api.get("/api/runs/" + id).header("Set-Cookie")).isNull();
        assertThat(api.get("/api/runs").header("Set-Cookie")).isNull();

        HttpApi.Response page = api.get("/");
        assertThat(page.header("Set-Cookie")).startsWith("JSESSIONID=");
        assertThat(page.body()).contains("name=\"_csrf\"");
    }

    @Test
    void theHistoryPagesOwnDeleteFormWorks() {
        HttpApi api = new HttpApi(port);
        String id = createRun(api);
        HttpApi.Response history = api.get("/runs");
        String cookie = history.header("Set-Cookie").split(";")[0];
        Matcher form = Pattern.compile("id=\"delete-" + id + "\"[^>]*>\\s*<input type=\"hidden\" name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(history.body());
        assertThat(form.find()).as("the delete form carries a CSRF token").isTrue();
        HttpApi.Response deleted = api.send("/runs/" + id + "/delete", r -> r.header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + form.group(1))));
        assertThat(deleted.status()).isEqualTo(302);
        assertThat(api.get("/api/runs/" + id).status()).isEqualTo(404);
    }
}
