package dev.piecewise.run;

import dev.piecewise.PiecewiseApplication;
import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service instances on one PostgreSQL take concurrent uploads: 8 clients × 50 runs, alternating between the
 * instances, all on loopback. No run is lost or duplicated, ids are unique, and each instance lists the other's.
 */
@EnabledIfSystemProperty(named = "piecewise.test.database", matches = "postgres")
class MultipleInstancesTest {

    private static final int CLIENTS = 8;
    private static final int RUNS_PER_CLIENT = 50;

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(PiecewiseApplication.class)
                .run("--server.port=0", "--piecewise.warmup.runs=0", "--spring.profiles.active=postgres");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void concurrentUploadsToTwoInstancesAreAllStoredOnce() throws Exception {
        try (ConfigurableApplicationContext first = start(); ConfigurableApplicationContext second = start()) {
            List<HttpApi> instances = List.of(new HttpApi(port(first)), new HttpApi(port(second)));
            String tag = "multi-" + UUID.randomUUID();
            byte[] graph = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
            ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    for (int i = 0; i < RUNS_PER_CLIENT; i++) {
                        HttpApi api = instances.get((client + i) % 2);
                        HttpApi.Response response = api.postRaw(graph, "text/plain",
                                Map.of("splittingOps", "oracle::moe", "name", tag + "-" + client + "-" + i));
                        assertThat(response.status()).as(response.body()).isEqualTo(201);
                        ids.add(response.json().get("id").asString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            clients.shutdown();

            Set<String> unique = new HashSet<>(ids);
            assertThat(ids).hasSize(CLIENTS * RUNS_PER_CLIENT);
            assertThat(unique).hasSize(CLIENTS * RUNS_PER_CLIENT);
            for (HttpApi instance : instances) {
                JsonNode page = instance.get("/api/runs?size=200&name=" + tag).json();
                assertThat(page.get("total").asLong()).isEqualTo(CLIENTS * RUNS_PER_CLIENT);
                Set<String> listed = new HashSet<>();
                for (int p = 0; p * 200 < CLIENTS * RUNS_PER_CLIENT; p++) {
                    instance.get("/api/runs?size=200&page=" + p + "&name=" + tag).json().get("items").values()
                            .forEach(item -> listed.add(item.get("id").asString()));
                }
                assertThat(listed).isEqualTo(unique);
            }
        }
    }
}
