package dev.piecewise.bench;

import java.util.Arrays;

/**
 * How fast this machine is right now: a fixed loop of plain Java (one thread, a 4 MB array, 40 passes) timed 400
 * times. The project's machine is a shared virtual one whose speed changes by half within minutes, so each round
 * of the speed work reports this beside its own numbers, to tell a slow sitting from slower code.
 * <p>
 * Run alone: {@code java -cp target/test-classes dev.piecewise.bench.MachineSpeed}.
 */
public final class MachineSpeed {

    private static final int ROUNDS = 400;

    private MachineSpeed() {
    }

    public static void main(String[] args) {
        int[] array = new int[1 << 20];
        long[] times = new long[ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int pass = 0; pass < 40; pass++) {
                for (int i = 0; i < array.length; i++) {
                    array[i] = array[i] * 31 + i + pass;
                    sink += array[i];
                }
            }
            times[round] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        // The sink is printed so that the JIT cannot drop the loop as dead code.
        System.out.printf("best %.1f ms, median %.1f ms, 90th percentile %.1f ms (checksum bit %d)%n", times[0] / 1e6,
                times[ROUNDS / 2] / 1e6, times[ROUNDS * 9 / 10] / 1e6, sink & 1);
    }
}
