package dev.piecewise.bench;

import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.run.SyntheticDecoder;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Parse and partition alone, on the engine's own classes (no Spring, no database), so the cost per node can be
 * read across sizes on any machine with a JVM:
 * {@code java -cp target/classes:target/test-classes dev.piecewise.bench.EngineBenchmark 10000 100000 1000000}.
 * Each size is warmed up first and reported as the best of several rounds, with the bytes that round allocated.
 * Not a unit test: it reports numbers, it asserts nothing about them.
 */
public final class EngineBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One timed round: how long it took and what every thread allocated meanwhile (the parser uses two). */
    record Measurement(double millis, long allocatedBytes) {
    }

    private EngineBenchmark() {
    }

    public static void main(String[] args) {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args).map(Integer::parseInt).toList()
                : List.of(10_000, 100_000, 1_000_000);
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn")));
        // The JIT compiles the parser and partitioner after a few hundred thousand nodes, as in a running server.
        String warmUp = SyntheticDecoder.fxText(1_000);
        best(40, () -> Partitioner.partition(GraphFormat.FX_TEXT.read(warmUp, "warm-up", 0).graph(), options));
        System.out.printf("%9s | %17s | %17s | %s%n", "nodes", "parse ms (MB)", "partition ms (MB)", "µs per node");
        for (int target : sizes) {
            String text = SyntheticDecoder.fxText(Math.max(1, target / 11));
            int rounds = target >= 1_000_000 ? 3 : 10;
            ParsedUpload[] upload = new ParsedUpload[1];
            // One graph alive at a time, as in the service: a round drops the one before's.
            Measurement parse = best(rounds, () -> upload[0] = null,
                    () -> upload[0] = GraphFormat.FX_TEXT.read(text, "decoder", 0));
            Measurement partition = best(rounds, () -> Partitioner.partition(upload[0].graph(), options));
            int nodes = upload[0].graph().size();
            System.out.printf("%9d | %17s | %17s | %.2f%n", nodes, cell(parse), cell(partition),
                    (parse.millis() + partition.millis()) * 1000 / nodes);
        }
    }

    static String cell(Measurement m) {
        return String.format("%8.1f (%6.0f)", m.millis(), m.allocatedBytes() / 1e6);
    }

    /** The fastest of {@code rounds} runs of {@code work}, with the bytes every live thread allocated during it. */
    static Measurement best(int rounds, Supplier<Object> work) {
        return best(rounds, () -> { }, work);
    }

    /** The same, with {@code drop} run before each round: it lets go of what the round before made. */
    static Measurement best(int rounds, Runnable drop, Supplier<Object> work) {
        Measurement best = null;
        for (int i = 0; i < rounds; i++) {
            drop.run();
            // Each round starts on a collected heap, so that none pays for collecting the rounds before it.
            System.gc();
            long allocated = allThreadsAllocated();
            long start = System.nanoTime();
            work.get();
            Measurement m = new Measurement((System.nanoTime() - start) / 1e6, allThreadsAllocated() - allocated);
            if (best == null || m.millis() < best.millis()) {
                best = m;
            }
        }
        return best;
    }

    private static long allThreadsAllocated() {
        return Arrays.stream(THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())).filter(b -> b > 0).sum();
    }
}
