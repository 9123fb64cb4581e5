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
 * What the service keeps of a run besides its row: a run uploaded from the browser is kept decoded for the page that
 * opens next, as the store would give it; a run that joins a comparison is rewritten whole.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunDocumentKeptTest {

    @Autowired
    RunService service;

    @Test
    void theKeptDocumentIsTheStoredOne() {
        byte[] upload = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"));
        RunReport run = service.createWithJson(upload, "moe.txt", request, RunService.Next.VIEW).run();

        RunDocument kept = service.document(run.id());
        RunDocument stored = RunDocuments.decode(service.storedDocument(run.id()));
        assertThat(kept.run().verdict().outcome()).isEqualTo(Outcome.AOT_FAILS);
        assertThat(kept.traces()).isNotEmpty();
        assertThat(kept.nodes()).isNotEmpty();
        assertThat(kept).isEqualTo(stored);
    }

    @Test
    void aRunJoiningAComparisonKeepsItsNodesAndTraces() {
        byte[] upload = (Fixtures.read("moe_view", "graph.txt") + "\n").getBytes(StandardCharsets.UTF_8);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"));
        String id = service.create(upload, "moe.txt", request).id();
        RunDocument before = RunDocuments.decode(service.storedDocument(id));
        assertThat(before.traces()).isNotEmpty();

        String group = service.startComparison(id);
        service.awaitComparison(group, java.time.Duration.ofSeconds(60));
        RunDocument after = RunDocuments.decode(service.storedDocument(id));
        assertThat(after.run().compareGroup()).isEqualTo(group);
        assertThat(after.nodes()).isEqualTo(before.nodes());
        assertThat(after.traces()).isEqualTo(before.traces());
        assertThat(RunDocuments.outline(service.storedDocument(id)).orElseThrow().compareGroup()).isEqualTo(group);
    }
}
