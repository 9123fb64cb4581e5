package dev.piecewise.limits;

import dev.piecewise.web.Problems;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Admission control on memory: the upload bytes being read, parsed, partitioned or rendered at once stay within
 * {@code piecewise.limits.work-budget}. A request takes a lease on its bytes before it reads or works on them; when
 * the budget is full it waits up to {@code piecewise.limits.admission-wait}, then gets a 503 with Retry-After.
 * Permits are KiB so that budgets of terabytes fit an int.
 * <p>
 * Once work on a large upload ({@code piecewise.limits.collect-after}) has ended, the first moment no work holds
 * room and none goes on in the background ({@link #background}), the budget asks the JVM for a full collection on
 * a thread of its own, if the old generation is near full: half full, or with less free room than twice what the
 * large work left in it ({@link OldGeneration}). A million-node graph leaves a gigabyte of dead objects there;
 * collected then, with little alive, that takes a tenth of a second, where the collection the next large request
 * would otherwise meet halfway marks its own live graph too (1.1–1.9 s under {@code -Xmx2g}). Work admitted just
 * as the collection starts waits for it; a request whose body came in before such a moment makes the collection
 * itself before its work starts ({@link Lease#beforeWork}).
 */
@Component
public class WorkBudget {

    private final Semaphore permits;
    private final int totalKib;
    private final long waitMillis;
    private final long collectAfterBytes;
    private final Supplier<OldGeneration.Reading> oldGeneration;
    /** Given how much the old generation grew during the large work that made it due. */
    private final LongConsumer collect;
    /** Large work has ended since a collection was last started; guarded by this object's lock. */
    private boolean collectionDue;
    /**
     * The most the old generation grew during one large work since a collection was last due and started; set and
     * cleared with {@link #collectionDue}, under this object's lock.
     */
    private long leftByLargeWork;
    private final AtomicBoolean collecting = new AtomicBoolean();
    private final AtomicInteger inBackground = new AtomicInteger();

    @Autowired
    WorkBudget(LimitsProperties limits) {
        this(limits, OldGeneration::read, OldGeneration::collectWhenNearFull);
    }

    /** {@code oldGeneration} and {@code collect} stand for {@link OldGeneration}'s in tests. */
    WorkBudget(LimitsProperties limits, Supplier<OldGeneration.Reading> oldGeneration, LongConsumer collect) {
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, limits.workBudgetBytes() / 1024));
        this.permits = new Semaphore(totalKib, true);
        this.waitMillis = limits.admissionWait().toMillis();
        this.collectAfterBytes = limits.collectAfter().toBytes();
        this.oldGeneration = oldGeneration;
        this.collect = collect;
    }

    /** The 413 for a request that needs {@code bytes}, more than the whole budget: it can never be admitted. */
    public OverBudgetException overBudget(long bytes) {
        return new OverBudgetException("the request needs " + Problems.size(bytes) + " or more of work memory, over"
                + " the whole work budget of " + Problems.size(totalBytes()) + " (piecewise.limits.work-budget, a"
                + " sixteenth of the heap unless set): give the service a larger heap (-Xmx) or budget, or send a log or"
                + " dump as a .tar.gz or .zip, whose compressed bytes are what counts");
    }

    public long totalBytes() {
        return totalKib * 1024L;
    }

    /** Bytes free now, for health and tests. */
    public long availableBytes() {
        return permits.availablePermits() * 1024L;
    }

    /**
     * Work that goes on after its request has answered (a comparison's option sets): it holds no room, which its
     * request held while it was admitted, but while it runs the budget is not idle. Closing it ends it (once).
     */
    public Background background() {
        inBackground.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                inBackground.decrementAndGet();
                collectIfDue();
            }
        };
    }

    /** Background work under way; closing it ends it. */
    public interface Background extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A lease on {@code bytes}, waiting for room up to the admission wait.
     *
     * @throws OverBudgetException when {@code bytes} exceed the whole budget
     * @throws BusyException       when there was no room in time
     */
    public Lease lease(long bytes) {
        Lease lease = new Lease();
        lease.growTo(bytes, true);
        return lease;
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024);
    }

    /** Room held in the budget; closing it gives the room back (idempotent). */
    public final class Lease implements AutoCloseable {

        private int heldKib;
        private final OldGeneration.Reading oldGenerationAtStart = oldGeneration.get();

        /**
         * Grows the lease to {@code bytes}; {@code wait} says whether to wait for room (a request thread may; a
         * container callback must not).
         */
        public synchronized void growTo(long bytes, boolean wait) {
            int more = kib(bytes) - heldKib;
            if (more <= 0) {
                return;
            }
            if (heldKib + (long) more > totalKib) {
                throw overBudget(bytes);
            }
            boolean admitted;
            try {
                admitted = wait ? permits.tryAcquire(more, waitMillis, TimeUnit.MILLISECONDS) : permits.tryAcquire(more);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                admitted = false;
            }
            if (!admitted) {
                throw new BusyException("the service is busy with other large graphs: " + availableBytes() + " of "
                        + totalBytes() + " bytes of work memory are free and this request needs " + bytes
                        + " (piecewise.limits.work-budget); try again shortly", Math.max(1, waitMillis / 1000));
            }
            heldKib += more;
        }

        /**
         * Called once the body this lease holds is in, before the work on it starts. A client that sends its next
         * large request as soon as the last one has answered can take room before that one's work has quite ended,
         * so no idle moment comes between them: a collection still due is then made here, on this thread, while no
         * other work goes on and little but this body is alive.
         */
        public synchronized void beforeWork() {
            collectIfDue(heldKib, false);
        }

        @Override
        public synchronized void close() {
            long heldBytes = heldKib * 1024L;
            permits.release(heldKib);
            heldKib = 0;
            if (collectAfterBytes > 0 && heldBytes >= collectAfterBytes) {
                due(oldGeneration.get().grownSince(oldGenerationAtStart));
            }
            collectIfDue();
        }
    }

    private void collectIfDue() {
        collectIfDue(0, true);
    }

    /** A collection is due after large work that left {@code left} bytes in the old generation. */
    private synchronized void due(long left) {
        leftByLargeWork = Math.max(leftByLargeWork, left);
        collectionDue = true;
    }

    /**
     * The collection, if one is due and no work but the caller's ({@code callerKib} of room) goes on: on a thread of
     * its own ({@code aside}), or on the caller's.
     */
    private void collectIfDue(int callerKib, boolean aside) {
        long left;
        synchronized (this) {
            if (!collectionDue || permits.availablePermits() + callerKib != totalKib || inBackground.get() > 0
                    || !collecting.compareAndSet(false, true)) {
                return;
            }
            collectionDue = false;
            left = leftByLargeWork;
            leftByLargeWork = 0;
        }
        Runnable collectOnce = () -> {
            try {
                collect.accept(left);
            } finally {
                collecting.set(false);
            }
        };
        if (!aside) {
            collectOnce.run();
            return;
        }
        Thread collector = new Thread(collectOnce, "piecewise-collect-after-work");
        collector.setDaemon(true);
        try {
            collector.start();
        } catch (RuntimeException | OutOfMemoryError noThread) {
            collecting.set(false); // no thread to be had: the next idle moment asks again
            due(left);
        }
    }
}
