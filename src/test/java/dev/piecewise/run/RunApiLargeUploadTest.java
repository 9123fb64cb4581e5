package dev.piecewise.run;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A graph text just under the 50 MB limit is stored and read back unchanged (on H2, and on PostgreSQL in CI). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiLargeUploadTest {

    @LocalServerPort
    int port;

    @Test
    void fiftyMegabyteGraphTextRoundTrips() {
        String head = """
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x, """;
        String tail = """
                ), kwargs = {})
                    %y : [num_users=1] = call_function[target=operator.add](args = (%a, %x), kwargs = {})
                    return (y,)
                """;
        int limit = 50 * 1024 * 1024;
        // One long string argument (a layer path, say) fills the upload to just under the limit.
        String text = head + "p".repeat(limit - head.length() - tail.length() - 1) + tail;
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
