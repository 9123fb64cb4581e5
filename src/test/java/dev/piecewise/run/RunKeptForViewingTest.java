package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.partition.Outcome;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run uploaded from the browser is kept decoded for the page that opens next: what that page reads is what the
 * store would give it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunKeptForViewingTest {

    @Autowired
    RunService service;

    @Test
    void theKeptDocumentIsTheStoredOne() {
        byte[] upload = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"));
        RunReport run = service.createWithJson(upload, "moe.txt", request, true).run();

        RunDocument kept = service.document(run.id());
        RunDocument stored = RunDocuments.decode(service.storedDocument(run.id()));
        assertThat(kept.run().verdict().outcome()).isEqualTo(Outcome.AOT_FAILS);
        assertThat(kept.traces()).isNotEmpty();
        assertThat(kept.nodes()).isNotEmpty();
        assertThat(kept).isEqualTo(stored);
    }
}
