package dev.piecewise.run;

import dev.piecewise.PiecewiseApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the default H2 file database, a run whose document passes a megabyte is kept out of the table's rows: storing
 * the next run writes that run, not the one before it again.
 */
class LargeRunStorageTest {

    /** About 1.6 MB of stored document. */
    private static final int LAYERS = 8_000;

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(PiecewiseApplication.class).run("--server.port=0",
                "--piecewise.warmup.runs=0",
                "--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("piecewise") + ";WRITE_DELAY=0");
    }

    @Test
    void storingARunDoesNotWriteTheRunBeforeItAgain() {
        byte[] graph = SyntheticDecoder.fxText(LAYERS).getBytes(StandardCharsets.US_ASCII);
        JsonNode second;
        try (ConfigurableApplicationContext app = start()) {
            HttpApi api = new HttpApi(((WebServerApplicationContext) app).getWebServer().getPort());
            JdbcClient db = JdbcClient.create(app.getBean(DataSource.class));
            api.postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::attn", "name", "first")).json();
            long before = fileWriteBytes(db);
            second = api.postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::attn", "name", "second")).json();
            long written = fileWriteBytes(db) - before;
            long document = db.sql("select octet_length(document) from runs where id = ?")
                    .param(second.get("id").asString()).query(Long.class).single();
            assertThat(document).as("the document, compressed").isGreaterThan(1 << 20);
            // Kept in the row, the first run's document was written again with the second's: twice as much.
            assertThat(written).as("bytes H2 wrote to store the second run").isBetween(document, document * 3 / 2);
            assertThat(blobColumns(db)).containsExactly("GRAPH_UPLOAD.CONTENT_GZIP", "RUNS.DOCUMENT");
        }
        try (ConfigurableApplicationContext again = start()) {
            HttpApi api = new HttpApi(((WebServerApplicationContext) again).getWebServer().getPort());
            assertThat(api.get("/api/runs/" + second.get("id").asString()).json()).isEqualTo(second);
            // Set by the migration, kept by the database: documents up to 1 MB stay in the row.
            assertThat(JdbcClient.create(again.getBean(DataSource.class)).sql("select setting_value from "
                    + "information_schema.settings where setting_name = 'MAX_LENGTH_INPLACE_LOB'")
                    .query(String.class).single()).isEqualTo("1048576");
        }
    }

    private static List<String> blobColumns(JdbcClient db) {
        return db.sql("select table_name || '.' || column_name from information_schema.columns "
                + "where table_schema = 'PUBLIC' and data_type = 'BINARY LARGE OBJECT' order by 1").query(String.class).list();
    }

    private static long fileWriteBytes(JdbcClient db) {
        return Long.parseLong(db.sql("select setting_value from information_schema.settings "
                + "where setting_name = 'info.FILE_WRITE_BYTES'").query(String.class).single());
    }
}
