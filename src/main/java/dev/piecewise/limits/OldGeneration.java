package dev.piecewise.limits;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How full the heap's old generation is, for {@link WorkBudget}'s collection after large work: a full collection
 * is worth asking for only when one is near anyway, and costs less while nothing else is alive than in the middle
 * of the next large request. With a heap many times larger than one request's graph, the old generation fills
 * over several requests, and asking every time would only stop the service for nothing.
 * <p>
 * "Near" is either of two things. The old generation is half full; or its free room would not take twice what a
 * large work since the last collection left in it. The parallel collector promotes a request's live graph into the old generation at each
 * young collection, and when its estimate of the next promotion exceeds the free room it collects the whole heap
 * first, in the middle of that request, its graph alive: 1.1–1.9 s for a million nodes under {@code -Xmx2g}, against
 * 0.13 s for the same collection made between requests. Such a request leaves the old generation about half full,
 * so the first rule alone missed it as often as not.
 */
final class OldGeneration {

    /** Asked for once the old generation holds at least this share of its room. */
    private static final double NEAR_FULL = 0.5;
    /**
     * Asked for once the free room is less than this many times what a large work left: the collector's own
     * estimate of the next promotion is padded by its variation, and a collection between requests costs a tenth of
     * one made during a request.
     */
    private static final int ROOM_FOR_WORK = 2;

    private static final Optional<MemoryPoolMXBean> POOL = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isValid())
            .filter(pool -> pool.getName().contains("Old Gen") || pool.getName().contains("Tenured"))
            .findFirst();
    /** The collectors that collect the old generation: the parallel collector's full one, for instance. */
    private static final List<GarbageCollectorMXBean> COLLECTORS = POOL.isEmpty() ? List.of()
            : ManagementFactory.getGarbageCollectorMXBeans().stream()
            .filter(gc -> Arrays.asList(gc.getMemoryPoolNames()).contains(POOL.get().getName()))
            .toList();

    private OldGeneration() {
    }

    /**
     * What the old generation holds, how many collections of it were made so far, and what the last of them left.
     */
    record Reading(long used, long collections, long afterLastCollection) {

        /**
         * How much the old generation grew since {@code start}: from what it held then or, if it was collected
         * since, from the lesser of that and what the last collection left. A collection before the work (the
         * next request's own, back to back) leaves less than the garbage there at the start; one the collector made
         * during the work leaves the work's own graph too, which it grew by.
         */
        long grownSince(Reading start) {
            long from = collections == start.collections ? start.used : Math.min(start.used, afterLastCollection);
            return Math.max(0, used - from);
        }
    }

    /** The old generation now; without an old generation, the whole heap, never collected. */
    static Reading read() {
        if (POOL.isEmpty()) {
            return new Reading(used(), 0, 0);
        }
        long collections = 0;
        for (GarbageCollectorMXBean collector : COLLECTORS) {
            collections += Math.max(0, collector.getCollectionCount());
        }
        var afterLast = POOL.get().getCollectionUsage();
        return new Reading(used(), collections, afterLast == null ? 0 : afterLast.getUsed());
    }

    /** The old generation's pool (Parallel, G1 and Serial name it so); empty under a collector without one. */
    static Optional<MemoryPoolMXBean> pool() {
        return POOL;
    }

    /** The bytes the old generation holds; the whole heap's under a collector without one. */
    static long used() {
        if (POOL.isEmpty()) {
            Runtime runtime = Runtime.getRuntime();
            return runtime.totalMemory() - runtime.freeMemory();
        }
        return POOL.get().getUsage().getUsed();
    }

    /** The most the old generation can hold; the whole heap's room under a collector without one. */
    static long max() {
        long max = POOL.isEmpty() ? -1 : POOL.get().getUsage().getMax();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }

    /**
     * Whether a full collection is worth making now.
     *
     * @param used       the bytes the old generation holds
     * @param max        the most it can hold
     * @param leftByWork how much it grew during the large work that made the collection due (the most of several)
     */
    static boolean nearFull(long used, long max, long leftByWork) {
        return used >= NEAR_FULL * max || max - used < ROOM_FOR_WORK * leftByWork;
    }

    /**
     * A full collection, when the old generation is {@link #nearFull}. Without an old generation the heap's growth
     * counts young garbage too, so only the first rule applies.
     */
    static void collectWhenNearFull(long leftByWork) {
        if (nearFull(used(), max(), POOL.isPresent() ? leftByWork : 0)) {
            System.gc();
        }
    }
}
