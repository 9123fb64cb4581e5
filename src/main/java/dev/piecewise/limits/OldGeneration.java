package dev.piecewise.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Optional;

/**
 * How full the heap's old generation is, for {@link WorkBudget}'s collection after large work: a full collection
 * is worth asking for only when one is near anyway, and costs less while nothing else is alive than in the middle
 * of the next large request. With a heap many times larger than one request's graph, the old generation fills
 * over several requests, and asking every time would only stop the service for nothing.
 */
final class OldGeneration {

    /** Asked for once the old generation holds at least this share of its room. */
    private static final double NEAR_FULL = 0.5;

    private static final Optional<MemoryPoolMXBean> POOL = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isValid())
            .filter(pool -> pool.getName().contains("Old Gen") || pool.getName().contains("Tenured"))
            .findFirst();

    private OldGeneration() {
    }

    /** The old generation's pool (Parallel, G1 and Serial name it so); empty under a collector without one. */
    static Optional<MemoryPoolMXBean> pool() {
        return POOL;
    }

    /** The share of its room the old generation holds; the whole heap's under a collector without one. */
    static double filled() {
        Runtime runtime = Runtime.getRuntime();
        long max = runtime.maxMemory();
        if (POOL.isEmpty()) {
            return (runtime.totalMemory() - runtime.freeMemory()) / (double) max;
        }
        var usage = POOL.get().getUsage();
        return usage.getUsed() / (double) (usage.getMax() > 0 ? usage.getMax() : max);
    }

    /** A full collection, when the old generation is {@link #NEAR_FULL}. */
    static void collectWhenNearFull() {
        if (filled() >= NEAR_FULL) {
            System.gc();
        }
    }
}
