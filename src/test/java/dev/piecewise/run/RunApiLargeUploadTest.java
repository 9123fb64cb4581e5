package dev.piecewise.run;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads at a limit of 50 MB: a graph text just under it is stored and read back unchanged (on H2, and on PostgreSQL
 * in CI); a body or file over it is a 413 naming the limit, and stores nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "piecewise.upload.max-size=50MB")
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiLargeUploadTest {

    private static final Map<String, String> MOE = Map.of("splittingOps", "oracle::moe");

    @LocalServerPort
    int port;

    @Autowired
    RunRepository repository;

    @Test
    void sixtyMegabyteRawBodyIs413() {
        long runsBefore = repository.count();
        HttpApi.Response response = new HttpApi(port).postRaw(new byte[60 * 1024 * 1024], "text/plain", MOE);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("type").asString()).endsWith("/upload-too-large");
        assertThat(response.json().get("detail").asString()).contains("50 MB").contains(".tar.gz");
        assertThat(repository.count()).isEqualTo(runsBefore);
    }

    @Test
    void sixtyMegabyteMultipartFileIs413() {
        long runsBefore = repository.count();
        HttpApi.Response response = new HttpApi(port).postMultipart("big.txt", new byte[60 * 1024 * 1024], MOE);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("50 MB").contains(".tar.gz");
        assertThat(repository.count()).isEqualTo(runsBefore);
    }

    @Test
    void concurrentIdenticalUploadsAreAllStored() throws Exception {
        String text = graphWithPadding(5 * 1024 * 1024 + new java.util.Random().nextInt(1000));
        byte[] upload = text.getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<HttpApi.Response>> responses = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                responses.add(clients.submit(() -> new HttpApi(port).postRaw(upload, "text/plain",
                        Map.of("splittingOps", "oracle::attn"))));
            }
            for (java.util.concurrent.Future<HttpApi.Response> response : responses) {
                HttpApi.Response r = response.get(2, java.util.concurrent.TimeUnit.MINUTES);
                assertThat(r.status()).as(r.body().length() > 300 ? r.body().substring(0, 300) : r.body()).isEqualTo(201);
            }
        } finally {
            clients.shutdown();
        }
    }

    private static String graphWithPadding(int size) {
        String head = """
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x, """;
        String tail = """
                ), kwargs = {})
                    %y : [num_users=1] = call_function[target=operator.add](args = (%a, %x), kwargs = {})
                    return (y,)
                """;
        return head + "p".repeat(size - head.length() - tail.length()) + tail;
    }

    @Test
    void fiftyMegabyteGraphTextRoundTrips() {
        int limit = 50 * 1024 * 1024;
        // One long string argument (a layer path, say) fills the upload to just under the limit.
        String text = graphWithPadding(limit - 1);
        byte[] upload = text.getBytes(StandardCharsets.UTF_8);
        assertThat(upload.length).isLessThan(limit).isGreaterThan(limit - 1024);

        HttpApi api = new HttpApi(port);
        HttpApi.Response created = api.postRaw(upload, "text/plain", Map.of("splittingOps", "oracle::attn"));
        assertThat(created.status()).as(created.body().length() > 500 ? created.body().substring(0, 500) : created.body())
                .isEqualTo(201);
        JsonNode run = created.json();
        assertThat(run.get("graph").get("bytes").asLong()).isEqualTo(upload.length);
        HttpApi.Response stored = api.get("/api/runs/" + run.get("id").asString() + "/upload");
        assertThat(stored.body().length()).isEqualTo(text.length());
        assertThat(stored.body()).isEqualTo(text);
        assertThat(api.delete("/api/runs/" + run.get("id").asString()).status()).isEqualTo(204);
    }
}
