package dev.piecewise.run;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a CI job does with curl: fail on a graph that would not compile, read the summary, fetch the JUnit report. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunApiHarnessTest {

    @LocalServerPort
    int port;

    @Test
    void curlFailWithBodySeesA422WithTheRunAndItsSummary() {
        HttpApi api = new HttpApi(port);
        byte[] log = RunApiTraceTest.trace("trace_moe_view.log");
        HttpApi.Response failed = api.postRaw(log, "text/plain", Map.of("expect", "compilable", "sizeStrategy", "none"),
                "text/plain");
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.contentType()).startsWith("text/plain");
        assertThat(failed.body()).contains("NOT COMPILABLE").contains("http://localhost:" + port + "/runs/");
        assertThat(api.get(failed.location()).status()).isEqualTo(200);

        HttpApi.Response passed = api.postRaw(log, "text/plain", Map.of("expect", "compilable"));
        assertThat(passed.status()).isEqualTo(201);
        assertThat(passed.json().get("verdict").get("compilable").asBoolean()).isTrue();
    }

    @Test
    void aTraceGroupFailsItsExpectationWhenOneGraphFailsAndReportsAsJUnit() {
        HttpApi api = new HttpApi(port);
        byte[] log = RunApiTraceTest.trace("trace_graph_break.log");
        HttpApi.Response group = api.postRaw(log, "text/plain",
                Map.of("compileId", "all", "expect", "ok", "splittingOps", "oracle::attn", "sizeStrategy", "none"));
        HttpApi.Response junit = api.get(group.location() + "/junit.xml");
        assertThat(junit.status()).isEqualTo(200);
        assertThat(junit.body()).startsWith("<?xml").contains("<testsuite").contains("tests=\"2\"");
        boolean anyFails = junit.body().contains("<failure");
        assertThat(group.status()).isEqualTo(anyFails ? 422 : 201);
    }
}
