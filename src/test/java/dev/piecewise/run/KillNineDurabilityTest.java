package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 201 means the run is stored: the service is killed with SIGKILL while eight clients upload, started again on
 * the same database, and every run that was answered 201 must be there (H2 file by default; PostgreSQL when
 * PIECEWISE_DB_URL is set).
 */
class KillNineDurabilityTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path workDir;

    @Test
    void noRunAnswered201IsLostToKillNine() throws Exception {
        ConcurrentLinkedQueue<String> confirmed = new ConcurrentLinkedQueue<>();
        try (ServiceProcess service = ServiceProcess.start(workDir)) {
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        try {
                            HttpApi.Response r = service.api().postRaw(GRAPH, "text/plain",
                                    Map.of("splittingOps", "oracle::moe", "name", "client " + client + " run " + i));
                            if (r.status() == 201) {
                                confirmed.add(r.json().get("id").asString());
                            }
                        } catch (RuntimeException killed) {
                            return;
                        }
                    }
                });
            }
            Thread.sleep(2_500);
            int beforeKill = confirmed.size();
            service.killNine();
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(beforeKill).as("runs answered 201 before the kill").isGreaterThan(10);
        }
        try (ServiceProcess again = ServiceProcess.start(workDir)) {
            List<String> lost = confirmed.stream().filter(id -> again.api().get("/api/runs/" + id).status() != 200).toList();
            System.out.printf("kill -9 during uploads: %d runs answered 201, %d lost%n", confirmed.size(), lost.size());
            assertThat(lost).as("runs answered 201 and gone after kill -9").isEmpty();
        }
    }
}
