package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up rehearses what a POST does and stores nothing: the service it started is empty, a rehearsed run reads
 * as the same upload posted does, and no rehearsed run is found or counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"piecewise.warmup.runs=2",
        "piecewise.warmup.comparisons=1", "piecewise.warmup.large-runs=0", "piecewise.warmup.uploads=2",
        "piecewise.warmup.requests=2"})
@ActiveProfiles(resolver = TestDatabase.class)
@ExtendWith(OutputCaptureExtension.class)
class RunWarmupTest {

    @LocalServerPort
    int port;

    @Autowired
    RunService service;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RunRepository runs;

    private double runsCounted() {
        return meters.find("piecewise.runs.created").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void rehearsedRunsAreTheRealPipelineAndAreNeverStored(CapturedOutput startup) throws Exception {
        // The context started under this test's capture: the warm-up ran its rehearsals before the port opened.
        String log = startup.getAll();
        // a comparison rehearses every option set, and stores none of them either
        assertThat(log).contains("2 rehearsed runs of 11002 nodes each, 1 comparisons of it (8 runs), none stored; "
                + "requests through the container, by status: {200=2, 201=2, 400=2}");
        assertThat(log.indexOf("Warmed up in")).isBetween(0, log.indexOf("Tomcat started on port"));
        assertThat(log).as("the runs of the uploads through the container are not logged")
                .doesNotContainPattern("run [0-9a-f-]{36}: ");
        HttpApi api = new HttpApi(port);
        assertThat(api.get("/api/runs").json().get("total").asLong()).as("runs after a warm-up of two").isZero();
        assertThat(runsCounted()).isZero();
        assertThat(runs.uploadCount()).as("the uploads through the container were rolled back").isZero();

        byte[] graph = SyntheticDecoder.fxText(40).getBytes(StandardCharsets.US_ASCII);
        RunReport rehearsed = service.rehearse(graph, RunRequest.fromParameters(Map.of("splittingOps", "oracle::attn")));
        assertThat(api.get("/api/runs").json().get("total").asLong()).isZero();
        assertThat(api.get("/api/runs/" + rehearsed.id()).status()).isEqualTo(404);
        assertThat(runsCounted()).isZero();

        HttpApi.Response posted = api.postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::attn"));
        assertThat(posted.status()).isEqualTo(201);
        JsonNode run = posted.json();
        assertThat(run.get("id").asString()).isNotEqualTo(rehearsed.id());
        assertThat(rehearsed.verdict().outcome().id()).isEqualTo(run.get("verdict").get("outcome").asString());
        assertThat(rehearsed.graph().nodeCount()).isEqualTo(run.get("graph").get("nodeCount").asInt());
        assertThat(rehearsed.submodules()).hasSize(run.get("submodules").size()).hasSize(81);
        assertThat(api.get("/api/runs").json().get("total").asLong()).isEqualTo(1);
        assertThat(runsCounted()).isEqualTo(1);
    }

    /**
     * A rehearsed comparison makes what a comparison makes, every option set partitioned as it is alone, and stores
     * and counts none of it.
     */
    @Test
    void aRehearsedComparisonPartitionsEveryOptionSetAsAloneAndStoresNothing() {
        byte[] graph = SyntheticDecoder.fxText(40).getBytes(StandardCharsets.US_ASCII);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::attn"));
        HttpApi api = new HttpApi(port);
        long storedBefore = api.get("/api/runs").json().get("total").asLong();
        double countedBefore = runsCounted();
        List<RunReport> rehearsed = service.rehearseComparison(graph, request);
        List<PartitionOptions> sets = PartitionOptions.whatIfSets(request.options().splittingOps());
        assertThat(rehearsed).extracting(RunReport::options)
                .containsExactlyInAnyOrderElementsOf(sets.stream().map(RunReports::options).toList());
        Graph parsed = GraphFormat.FX_TEXT.parse(new String(graph, StandardCharsets.US_ASCII), "decoder");
        for (RunReport run : rehearsed) {
            PartitionResult alone = Partitioner.partition(parsed, RunReports.partitionOptions(run.options()));
            assertThat(run.verdict().outcome()).isEqualTo(alone.outcome());
            assertThat(run.submodules()).isEqualTo(alone.submodules());
            assertThat(run.relocations()).isEqualTo(alone.relocations());
        }
        assertThat(rehearsed).extracting(run -> run.verdict().outcome()).contains(Outcome.OK, Outcome.AOT_FAILS);
        assertThat(api.get("/api/runs").json().get("total").asLong()).isEqualTo(storedBefore);
        assertThat(runsCounted()).isEqualTo(countedBefore);
    }

    /** The 100k-node rehearsals hold about 200 MB: they run under a heap of {@code -Xmx1g} or more, not under less. */
    @Test
    void largeRehearsalsNeedAHeapOfAGigabyte(CapturedOutput output) {
        new RunWarmup(service, upload -> Map.of(), 1, 0, 1, 1L << 30, () -> { }).start();
        assertThat(output.getAll()).containsPattern(
                "1 rehearsed runs of 11002 nodes each and 1 of 100003 \\(\\d+ ms waited between them for the JIT\\), none stored");
        int before = output.getAll().length();
        new RunWarmup(service, upload -> Map.of(), 1, 0, 1, 512L << 20, () -> { }).start();
        assertThat(output.getAll().substring(before)).contains("1 rehearsed runs of 11002 nodes each, none stored");
    }

    /** Requests through the container that fail leave the runs' rehearsals standing: the start goes on. */
    @Test
    void failedRequestRehearsalsAreAWarningNotTheEndOfTheWarmUp(CapturedOutput output) {
        AtomicInteger collections = new AtomicInteger();
        new RunWarmup(service, upload -> {
            throw new java.io.IOException("no connector");
        }, 1, 0, 0, 1L << 30, collections::incrementAndGet).start();
        assertThat(output.getAll()).contains("Requests through the container not rehearsed")
                .contains("1 rehearsed runs of 11002 nodes each, none stored");
        assertThat(collections).hasValue(1);
    }

    /**
     * The rehearsals' garbage is collected once they are done, so the first upload starts with an empty young
     * generation as later ones do; without rehearsals there is nothing to collect.
     */
    @Test
    void theRehearsalsGarbageIsCollectedOnceTheyAreDone(CapturedOutput output) {
        AtomicInteger collections = new AtomicInteger();
        new RunWarmup(service, upload -> Map.of(), 0, 1, 0, 1L << 30, collections::incrementAndGet).start();
        assertThat(collections).hasValue(0);
        int logged = output.getAll().length();
        new RunWarmup(service, upload -> Map.of(), 1, 0, 0, 1L << 30, () -> {
            // before the warm-up is reported done
            assertThat(output.getAll().substring(logged)).doesNotContain("Warmed up in");
            collections.incrementAndGet();
        }).start();
        assertThat(collections).hasValue(1);
        assertThat(output.getAll().substring(logged)).contains("1 rehearsed runs of 11002 nodes each, none stored");
    }

    /** The wait ends after two 100 ms intervals in which the compilers' time grew by less than 10 ms each. */
    @Test
    void theWaitForTheJitEndsOnceItsCompilersAreQuiet() {
        PrimitiveIterator.OfLong compilationMillis = LongStream.of(0, 40, 90, 95, 105, 110, 114).iterator();
        AtomicInteger reads = new AtomicInteger();
        long waited = RunWarmup.awaitCompilersQuiet(() -> {
            reads.incrementAndGet();
            return compilationMillis.nextLong();
        }, Duration.ofSeconds(30));
        // busy, busy, quiet, busy (10 ms is not less than 10), quiet, quiet: six intervals after the first read
        assertThat(reads).hasValue(7);
        assertThat(waited).isGreaterThanOrEqualTo(600);
    }

    /** Compilers that never go quiet: the wait ends at its cap (four 100 ms intervals at most for 350 ms). */
    @Test
    @Timeout(10)
    void theWaitForTheJitEndsAtItsCapWhileTheCompilersWork() {
        AtomicInteger reads = new AtomicInteger();
        long waited = RunWarmup.awaitCompilersQuiet(() -> 50L * reads.incrementAndGet(), Duration.ofMillis(350));
        assertThat(waited).isGreaterThanOrEqualTo(350);
        assertThat(reads.get()).isBetween(2, 5);
    }
}
