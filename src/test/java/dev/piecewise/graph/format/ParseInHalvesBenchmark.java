package dev.piecewise.graph.format;

import dev.piecewise.run.SyntheticDecoder;
import dev.piecewise.bench.Timings;

import java.util.Arrays;

/**
 * The fx-text parse on one thread against the same parse in two halves, taking turns in one JVM, so that a shared
 * machine's changing speed falls on both alike:
 * {@code java -cp target/classes:target/test-classes dev.piecewise.graph.format.ParseInHalvesBenchmark 1000 100000}
 * (sizes in nodes of synthetic decoders). Not a unit test: it reports numbers, it asserts nothing about them.
 */
public final class ParseInHalvesBenchmark {

    private static final int ONE_THREAD = Integer.MAX_VALUE;

    private ParseInHalvesBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000, 100_000, 1_000_000};
        System.out.printf("%9s | %25s | %25s%n", "lines", "one thread: best / median", "in halves: best / median");
        for (int size : sizes) {
            String text = SyntheticDecoder.fxText(Math.max(1, size / 11));
            int lines = (int) text.lines().count();
            int rounds = size >= 1_000_000 ? 12 : size >= 100_000 ? 40 : 200;
            double[] oneThread = new double[rounds];
            double[] inHalves = new double[rounds];
            for (int round = -rounds; round < rounds; round++) { // the first half of the rounds warms up
                double one = millis(text, ONE_THREAD);
                double two = millis(text, lines / 2);
                if (round >= 0) {
                    oneThread[round] = one;
                    inHalves[round] = two;
                }
            }
            System.out.printf("%9d | %25s | %25s%n", lines, bestAndMedian(oneThread), bestAndMedian(inHalves));
        }
    }

    private static double millis(String text, int secondHalfFrom) {
        long start = System.nanoTime();
        FxTextParser.parse(text, "decoder", ParseLimits.DEFAULTS, secondHalfFrom);
        return (System.nanoTime() - start) / 1e6;
    }

    private static String bestAndMedian(double[] millis) {
        return String.format("%.2f / %.2f ms", Timings.best(millis), Timings.median(millis));
    }
}
