package dev.piecewise.bench;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.FxTextParser;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times parsing and partitioning of synthetic decoders of 1k to 1M nodes and prints time, time per node and
 * bytes allocated. Run with {@code ./mvnw -q test-compile exec:java}; pass sizes as arguments to pick others.
 * Not a unit test: it reports numbers, it asserts nothing about them.
 */
public final class PartitionBenchmark {

    private static final int ROUNDS = 3;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record Measurement(double millis, long allocatedBytes) {
    }

    public static void main(String[] args) {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args).map(Integer::parseInt).toList()
                : List.of(1_000, 10_000, 100_000, 1_000_000);
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn")));
        warmUp(options);
        System.out.printf("%10s %10s | %10s %8s %10s | %10s %8s %10s | %s%n", "nodes", "text MB", "parse ms",
                "ns/node", "alloc MB", "split ms", "ns/node", "alloc MB", "submodules");
        for (int target : sizes) {
            String text = SyntheticDecoder.fxText(Math.max(1, target / 11));
            Graph[] graph = new Graph[1];
            Measurement parse = best(() -> graph[0] = new FxTextParser().parse(text, "decoder"));
            PartitionResult[] result = new PartitionResult[1];
            Measurement split = best(() -> result[0] = Partitioner.partitionOnce(graph[0], options));
            int nodes = graph[0].nodes().size();
            System.out.printf("%10d %10.1f | %10.1f %8.0f %10.1f | %10.1f %8.0f %10.1f | %d (%s)%n", nodes,
                    text.length() / 1e6, parse.millis(), parse.millis() * 1e6 / nodes, parse.allocatedBytes() / 1e6,
                    split.millis(), split.millis() * 1e6 / nodes, split.allocatedBytes() / 1e6,
                    result[0].submodules().size(), result[0].outcome().id());
        }
    }

    private static void warmUp(PartitionOptions options) {
        String text = SyntheticDecoder.fxText(2_000);
        for (int i = 0; i < 5; i++) {
            Partitioner.partitionOnce(new FxTextParser().parse(text, "warm-up"), options);
        }
    }

    /** The fastest of a few rounds, with the bytes that round allocated on this thread. */
    private static Measurement best(Supplier<Object> work) {
        Measurement best = null;
        for (int i = 0; i < ROUNDS; i++) {
            long threadId = Thread.currentThread().getId();
            long allocated = THREADS.getThreadAllocatedBytes(threadId);
            long start = System.nanoTime();
            work.get();
            double millis = (System.nanoTime() - start) / 1e6;
            Measurement m = new Measurement(millis, THREADS.getThreadAllocatedBytes(threadId) - allocated);
            if (best == null || m.millis() < best.millis()) {
                best = m;
            }
        }
        return best;
    }
}
