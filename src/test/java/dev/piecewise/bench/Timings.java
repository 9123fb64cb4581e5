package dev.piecewise.bench;

import java.util.Arrays;

/** What the benchmarks that take turns report of a step's times: the best, and the median. */
public final class Timings {

    private Timings() {
    }

    public static double best(double[] millis) {
        return Arrays.stream(millis).min().orElseThrow();
    }

    public static double median(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
