package dev.piecewise.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Rehearses uploads before the service opens its port ({@link RunService#rehearse}): the JIT compiles a request's
 * hot code on them, so the first user's upload does not run it interpreted. A million-node graph posted to a service
 * just started took twice as long as the same graph posted again (src/docs/operations.md, "Warm-up").
 * {@code piecewise.warmup.runs=0} turns it off.
 */
@Component
class RunWarmup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWarmup.class);

    /** A decoder of 11,002 nodes: small runs, many of them, get methods compiled sooner than one big run does. */
    private static final int LAYERS = 1_000;

    private final RunService service;
    private final int runs;
    private volatile boolean running;

    RunWarmup(RunService service, @Value("${piecewise.warmup.runs}") int runs) {
        this.service = service;
        this.runs = runs;
    }

    @Override
    public void start() {
        running = true;
        if (runs <= 0) {
            return;
        }
        long start = System.nanoTime();
        byte[] graph = SyntheticDecoder.fxText(LAYERS).getBytes(StandardCharsets.US_ASCII);
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::attn"));
        try {
            RunReport run = null;
            for (int i = 0; i < runs; i++) {
                run = service.rehearse(graph, request);
            }
            log.info("Warmed up in {} ms: {} rehearsed runs of {} nodes each, none stored",
                    (System.nanoTime() - start) / 1_000_000, runs, run.graph().nodeCount());
        } catch (IOException | RuntimeException e) {
            // Only the first uploads' speed is at stake: the service starts all the same.
            log.warn("Warm-up given up after {} ms; the first uploads will run slower",
                    (System.nanoTime() - start) / 1_000_000, e);
        }
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
