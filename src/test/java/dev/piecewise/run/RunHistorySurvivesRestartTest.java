package dev.piecewise.run;

import dev.piecewise.PiecewiseApplication;
import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The default H2 database is a file: a run stored before a restart is there after it. */
class RunHistorySurvivesRestartTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        // Command-line arguments outrank application.properties (default properties would not).
        return new SpringApplicationBuilder(PiecewiseApplication.class)
                .run("--server.port=0", "--piecewise.warmup.runs=0", "--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("piecewise"));
    }

    private static HttpApi api(ConfigurableApplicationContext context) {
        return new HttpApi(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    @Test
    void runIsReadableAfterRestart() {
        assertThat(dataDir.resolve("piecewise.mv.db")).doesNotExist();
        JsonNode created;
        try (ConfigurableApplicationContext first = start()) {
            created = api(first).postRaw(Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8),
                    "text/plain", Map.of("splittingOps", "oracle::moe", "name", "before-restart")).json();
        }
        assertThat(dataDir.resolve("piecewise.mv.db")).exists();
        try (ConfigurableApplicationContext second = start()) {
            HttpApi.Response again = api(second).get("/api/runs/" + created.get("id").asString());
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json()).isEqualTo(created);
        }
    }
}
