package dev.piecewise.run;

import dev.piecewise.web.HttpRehearsal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rehearses uploads before the service opens its port ({@link RunService#rehearse}): the JIT compiles a request's
 * hot code on them, so the first user's upload does not run it interpreted. A million-node graph posted to a service
 * just started took twice as long as the same graph posted again (src/docs/operations.md, "Warm-up").
 * It then rehearses comparisons of the small graph: a comparison runs code a POST under vLLM's defaults never does
 * (the other Size strategies, the cuts and parts option sets share), and the first comparisons of a 100k-node graph
 * after the start took a quarter longer than later ones.
 * Last, it rehearses requests through the container ({@link HttpRehearsal}): the first uploads after a start ran the
 * container's, the framework's and the database's code still being compiled.
 * {@code piecewise.warmup.runs=0} turns it off; {@code piecewise.warmup.comparisons=0} leaves out the comparisons,
 * {@code piecewise.warmup.large-runs=0} the large graph, {@code piecewise.warmup.uploads=0} the uploads through the
 * container and {@code piecewise.warmup.requests=0} the cheaper requests after them.
 */
@Component
class RunWarmup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWarmup.class);

    /** A decoder of 11,002 nodes: small runs, many of them, get methods compiled sooner than one big run does. */
    private static final int LAYERS = 1_000;
    /**
     * A decoder of 100,003 nodes, rehearsed after the small ones: branches that only graphs of this size take (a
     * graph rewritten in halves on two cores, submodule names past the cached ones) are then profiled and compiled
     * too, instead of deoptimizing the first large upload.
     */
    private static final int LARGE_LAYERS = 9_091;
    /**
     * A large rehearsal holds about 200 MB at once: under a smaller heap it is left out. Under {@code -Xmx1g} the JVM
     * reports a little less than 1 GB (a survivor space is not counted), hence 900 MB.
     */
    private static final long LARGE_RUNS_FROM_HEAP = 900L << 20;
    /**
     * The longest wait for the JIT between the small and the large rehearsals: on two cores its compiler threads
     * share the CPU with the rehearsals and GC, and the parser's main loops were still in C1's code when the large
     * rehearsals began; given the CPU for a moment, C2 compiles them before the large graph and the first user's.
     * 0.4-0.9 s was enough where measured; the cap bounds what a JIT that never goes quiet adds to the start.
     */
    private static final Duration COMPILERS_QUIET_CAP = Duration.ofSeconds(3);
    /** The splitting op of {@link SyntheticDecoder}'s graphs. */
    private static final String SPLITTING_OPS = "oracle::attn";

    /** Requests rehearsed through the container, given the small graph's upload: {@link HttpRehearsal#rehearse}. */
    interface Requests {
        Map<Integer, Integer> rehearse(byte[] upload) throws IOException;
    }

    private final RunService service;
    private final Requests requests;
    private final int runs;
    private final int comparisons;
    private final int largeRuns;
    private final Runnable collectGarbage;
    private volatile boolean running;

    @Autowired
    RunWarmup(RunService service, HttpRehearsal http, @Value("${piecewise.warmup.runs}") int runs,
              @Value("${piecewise.warmup.comparisons}") int comparisons,
              @Value("${piecewise.warmup.large-runs}") int largeRuns,
              @Value("${piecewise.warmup.uploads}") int uploads, @Value("${piecewise.warmup.requests}") int rounds) {
        this(service, upload -> http.rehearse(upload, "splittingOps=" + SPLITTING_OPS, uploads, rounds).statuses(),
                runs, comparisons, largeRuns, Runtime.getRuntime().maxMemory(), System::gc);
    }

    /**
     * @param maxHeap        the most heap the JVM will use ({@link Runtime#maxMemory()})
     * @param collectGarbage a full collection ({@link System#gc()}), made once the rehearsals are done
     */
    RunWarmup(RunService service, Requests requests, int runs, int comparisons, int largeRuns, long maxHeap,
              Runnable collectGarbage) {
        this.service = service;
        this.requests = requests;
        this.runs = runs;
        this.comparisons = comparisons;
        this.largeRuns = maxHeap >= LARGE_RUNS_FROM_HEAP ? largeRuns : 0;
        this.collectGarbage = collectGarbage;
    }

    @Override
    public void start() {
        running = true;
        if (runs <= 0) {
            return;
        }
        long start = System.nanoTime();
        byte[] graph = SyntheticDecoder.fxText(LAYERS).getBytes(StandardCharsets.US_ASCII);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", SPLITTING_OPS));
        try {
            RunReport run = null;
            for (int i = 0; i < runs; i++) {
                run = service.rehearse(graph, request);
            }
            int compared = 0;
            for (int i = 0; i < comparisons; i++) {
                compared += service.rehearseComparison(graph, request).size();
            }
            RunReport large = null;
            long jitWait = 0;
            if (largeRuns > 0) {
                jitWait = awaitCompilersQuiet(COMPILERS_QUIET_CAP);
                byte[] largeGraph = SyntheticDecoder.fxText(LARGE_LAYERS).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < largeRuns; i++) {
                    large = service.rehearse(largeGraph, request);
                }
            }
            Map<Integer, Integer> answered = rehearseRequests(graph);
            // The rehearsals left the young generation 62% full of their garbage under -Xmx2g: the first upload would
            // meet a collection early, its upload and text alive to copy, where after a large request WorkBudget's
            // collection leaves the next one an empty young generation. A tenth of a second of the start.
            collectGarbage.run();
            log.info("Warmed up in {} ms: {} rehearsed runs of {} nodes each{}{}, none stored{}",
                    (System.nanoTime() - start) / 1_000_000, runs, run.graph().nodeCount(), comparisons == 0 ? ""
                            : ", " + comparisons + " comparisons of it (" + compared + " runs)", large == null ? ""
                            : " and " + largeRuns + " of " + large.graph().nodeCount() + " (" + jitWait
                            + " ms waited between them for the JIT)", answered.isEmpty() ? ""
                            : "; requests through the container, by status: " + answered);
        } catch (IOException | RuntimeException e) {
            // Only the first uploads' speed is at stake: the service starts all the same.
            log.warn("Warm-up given up after {} ms; the first uploads will run slower",
                    (System.nanoTime() - start) / 1_000_000, e);
        }
    }

    /** The runs' rehearsals stand when the requests' fail: the start goes on to collect their garbage and report. */
    private Map<Integer, Integer> rehearseRequests(byte[] graph) {
        try {
            return requests.rehearse(graph);
        } catch (IOException | RuntimeException e) {
            log.warn("Requests through the container not rehearsed; the first uploads will run slower", e);
            return Map.of();
        }
    }

    /** @return the milliseconds waited; none where the JVM does not report its compilers' time */
    private static long awaitCompilersQuiet(Duration cap) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        return awaitCompilersQuiet(jit::getTotalCompilationTime, cap);
    }

    /**
     * Waits until the compilers' total time grows by less than 10 ms in each of two 100 ms intervals running, or
     * {@code cap} has passed. A compilation's time is counted when it ends, so one long C2 compilation can look quiet
     * for a while: hence two intervals, not one.
     *
     * @param compilationMillis the compilers' total time so far, in milliseconds
     * @return the milliseconds waited
     */
    static long awaitCompilersQuiet(LongSupplier compilationMillis, Duration cap) {
        long start = System.nanoTime();
        long before = compilationMillis.getAsLong();
        int quietIntervals = 0;
        try {
            long left;
            while (quietIntervals < 2 && (left = cap.toNanos() - (System.nanoTime() - start)) > 0) {
                Thread.sleep(Math.min(100, left / 1_000_000 + 1));
                long now = compilationMillis.getAsLong();
                quietIntervals = now - before < 10 ? quietIntervals + 1 : 0;
                before = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server's phase, so that the port opens once the rehearsals are done. */
    @Override
    public int getPhase() {
        return 0;
    }
}
