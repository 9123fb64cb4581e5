package dev.piecewise.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parse and partition of one graph by two builds of the engine, taking turns in one JVM, so that the machine's
 * changing speed falls on both alike (on a shared machine, two runs of {@link EngineBenchmark} minutes apart can
 * differ by half). Each build is its own {@code target/classes} directory, loaded by a class loader of its own:
 * <pre>
 * git worktree add /tmp/before HEAD~3 && (cd /tmp/before && ./mvnw -q compile)
 * ./mvnw -q dependency:build-classpath -Dmdep.outputFile=libraries.txt
 * java -cp target/test-classes:$(cat libraries.txt) dev.piecewise.bench.TwoBuildsBenchmark \
 *     /tmp/before/target/classes target/classes graph.txt 20
 * </pre>
 * ({@code target/classes} stays off the class path, or both builds would load the engine from it). The graph may be
 * in any upload format (its format is detected); a fifth argument names the splitting op, {@code oracle::attn} by
 * default ({@code oracle::sdpa} for the corpus's Hugging Face models).
 * Reports the best and the median of each step over the rounds, the first build first. Asserts nothing.
 */
public final class TwoBuildsBenchmark {

    /** One build's entry points, found by name: the builds need not share a class. */
    private static final class Build {
        private final String classes;
        private final Method detect;
        private final Method read;
        private final Method graph;
        private final Method partition;
        private final Object options;
        private final ClassLoader loader;
        private final List<Double> parseMillis = new ArrayList<>();
        private final List<Double> partitionMillis = new ArrayList<>();

        Build(String classes, String splittingOp) throws ReflectiveOperationException, java.io.IOException {
            this.classes = classes;
            // The parent finds the libraries; it must not find the engine itself (no target/classes on the class path).
            loader = new URLClassLoader(new URL[]{Path.of(classes).toUri().toURL()},
                    TwoBuildsBenchmark.class.getClassLoader());
            Class<?> format = loader.loadClass("dev.piecewise.graph.format.GraphFormat");
            detect = format.getMethod("detect", String.class);
            read = format.getMethod("read", String.class, String.class, int.class);
            graph = loader.loadClass("dev.piecewise.graph.format.ParsedUpload").getMethod("graph");
            Class<?> ops = loader.loadClass("dev.piecewise.partition.SplittingOps");
            Class<?> optionsClass = loader.loadClass("dev.piecewise.partition.PartitionOptions");
            options = optionsClass.getMethod("vllmDefaults", ops)
                    .invoke(null, ops.getConstructor(List.class).newInstance(List.of(splittingOp)));
            partition = loader.loadClass("dev.piecewise.partition.Partitioner")
                    .getMethod("partition", loader.loadClass("dev.piecewise.graph.Graph"), optionsClass);
        }

        /** The build's synthetic decoder (in the service's classes, so off this benchmark's class path). */
        String syntheticDecoder(int layers) throws ReflectiveOperationException {
            return (String) loader.loadClass("dev.piecewise.run.SyntheticDecoder").getMethod("fxText", int.class)
                    .invoke(null, layers);
        }

        void run(String text, boolean timed) throws ReflectiveOperationException {
            long start = System.nanoTime();
            Object parsed = graph.invoke(read.invoke(detect.invoke(null, text), text, "graph", 0));
            long parsedAt = System.nanoTime();
            partition.invoke(null, parsed, options);
            if (timed) {
                parseMillis.add((parsedAt - start) / 1e6);
                partitionMillis.add((System.nanoTime() - parsedAt) / 1e6);
            }
        }
    }

    private TwoBuildsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TwoBuildsBenchmark CLASSES_A CLASSES_B GRAPH_FILE [ROUNDS [SPLITTING_OP]]");
            System.exit(2);
        }
        String splittingOp = args.length > 4 ? args[4] : "oracle::attn";
        Build[] builds = {new Build(args[0], splittingOp), new Build(args[1], splittingOp)};
        String text = Files.readString(Path.of(args[2]));
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String warmUp = builds[1].syntheticDecoder(1_000); // the second build, the newer, has it
        for (Build build : builds) {
            for (int i = 0; i < 30; i++) {
                build.run(warmUp, false);
            }
            for (int i = 0; i < 3; i++) { // the file's own format's reader too
                build.run(text, false);
            }
        }
        for (int round = 0; round < rounds; round++) {
            // Each build goes first in every other round: neither always follows the other's garbage.
            for (int i = 0; i < 2; i++) {
                builds[(round + i) % 2].run(text, true);
                System.gc();
            }
        }
        for (Build build : builds) {
            double[] parse = build.parseMillis.stream().mapToDouble(Double::doubleValue).toArray();
            double[] partition = build.partitionMillis.stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf("%s: parse best %.1f median %.1f ms | partition best %.1f median %.1f ms%n", build.classes,
                    Timings.best(parse), Timings.median(parse), Timings.best(partition), Timings.median(partition));
        }
    }
}
