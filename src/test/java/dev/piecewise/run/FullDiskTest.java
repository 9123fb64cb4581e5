package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The H2 file database on a disk that fills up (a small tmpfs, mounted where the test runs as root, as CI does):
 * while it is full, uploads are 503 problems naming the cause, never 500, and health is DOWN; once space is freed the
 * service stores runs again by itself, and every run answered 201 before is still there.
 */
class FullDiskTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> MOE = Map.of("splittingOps", "oracle::moe");
    private static final String ADMIN = "full-disk-test-admin-token";

    @TempDir
    Path workDir;

    @Test
    void aFullDiskIs503AndDownUntilSpaceIsFreedThenRunsAreStoredAgain() throws Exception {
        assumeFalse(TestDatabase.isPostgres(), "H2's own disk");
        Path disk = Files.createDirectories(workDir.resolve("disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString()), "cannot mount a small disk here");
        try {
            String url = "jdbc:h2:file:" + disk.resolve("piecewise") + ";WRITE_DELAY=0";
            try (ServiceProcess service = ServiceProcess.start(workDir, "--spring.datasource.url=" + url,
                    "--piecewise.auth.enabled=true", "--piecewise.auth.public-read=true",
                    "--piecewise.auth.admin-token=" + ADMIN)) {
                HttpApi api = new HttpApi(service.port, ADMIN);
                List<String> stored = new ArrayList<>();
                HttpApi.Response first = api.postRaw(GRAPH, "text/plain", MOE);
                assertThat(first.status()).as(first.body()).isEqualTo(201);
                stored.add(first.json().get("id").asString());

                Path filler = disk.resolve("filler");
                fill(filler);
                int refused = 0;
                for (int attempt = 0; attempt < 10; attempt++) {
                    HttpApi.Response r = api.postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe",
                            "name", "full-" + attempt));
                    if (r.status() == 201) {
                        stored.add(r.json().get("id").asString()); // H2 may still have room in its pages
                        continue;
                    }
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.json().get("type").asString()).endsWith("/storage-unavailable");
                    refused++;
                }
                assertThat(refused).as("uploads refused while the disk is full").isPositive();
                assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("DOWN");

                Files.delete(filler);
                int recoveredAfter = -1;
                for (int attempt = 0; attempt < 20 && recoveredAfter < 0; attempt++) {
                    HttpApi.Response r = api.postRaw(GRAPH, "text/plain", MOE);
                    if (r.status() == 201) {
                        recoveredAfter = attempt;
                        stored.add(r.json().get("id").asString());
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(503);
                        Thread.sleep(250);
                    }
                }
                assertThat(recoveredAfter).as("attempts until runs are stored again").isBetween(0, 19);
                assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
                for (String id : stored) {
                    assertThat(api.get("/api/runs/" + id).status()).as("run " + id + " answered 201").isEqualTo(200);
                }
            }
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /** Writes until the disk has no room left. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException noSpaceLeft) {
            assertThat(noSpaceLeft.getMessage()).containsIgnoringCase("space");
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
