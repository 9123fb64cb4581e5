package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The parsers' caps come from piecewise.limits.*: a graph over them is a 400 naming the cap and its setting. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"piecewise.limits.max-nodes=5", "piecewise.limits.max-nesting-depth=3"})
@ActiveProfiles(resolver = TestDatabase.class)
class ParseLimitSettingsTest {

    @LocalServerPort
    int port;

    @Test
    void aGraphWithMoreNodesThanTheSettingAllowsIsRefusedNamingIt() {
        byte[] graph = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
        HttpApi.Response response = new HttpApi(port).postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::moe"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("piecewise.limits.max-nodes").contains("5");
    }

    @Test
    void aTraceLogsGraphsAreHeldToTheSameCaps() {
        byte[] trace = Fixtures.read(Fixtures.ROOT.resolve("traces/trace_moe_view.log")).getBytes(StandardCharsets.UTF_8);
        HttpApi.Response response = new HttpApi(port).postRaw(trace, "text/plain", Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("(setting piecewise.limits.max-");
    }

    @Test
    void argumentsNestedDeeperThanTheSettingAllowsAreRefusedNamingIt() {
        String graph = """
                graph():
                    %x : torch.Tensor [num_users=1] = placeholder[target=x]
                    %y : [num_users=1] = call_function[target=torch.cat](args = (((((%x,),),),),), kwargs = {})
                    return (y,)
                """;
        HttpApi.Response response = new HttpApi(port).postRaw(graph.getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("piecewise.limits.max-nesting-depth");
    }
}
