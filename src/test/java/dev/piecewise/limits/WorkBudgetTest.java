package dev.piecewise.limits;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkBudgetTest {

    private static final long MB = 1024 * 1024;

    private static LimitsProperties limits(long budgetBytes, long collectAfterBytes) {
        return new LimitsProperties(DataSize.ofBytes(budgetBytes), Duration.ofMillis(50), Duration.ofSeconds(60), 50,
                1000, Duration.ofSeconds(120), 256, 2_000_000, DataSize.ofBytes(collectAfterBytes));
    }

    /** Counts the collections asked for; {@link #awaitOne()} waits for the next one. */
    private static final class RecordedCollections implements LongConsumer {
        final AtomicInteger count = new AtomicInteger();
        private volatile CountDownLatch next = new CountDownLatch(1);

        volatile Thread lastThread;
        volatile long lastLeftByWork = -1;

        @Override
        public void accept(long leftByWork) {
            lastThread = Thread.currentThread();
            lastLeftByWork = leftByWork;
            count.incrementAndGet();
            next.countDown();
        }

        boolean awaitOne() throws InterruptedException {
            boolean ran = next.await(5, TimeUnit.SECONDS);
            next = new CountDownLatch(1);
            return ran;
        }
    }

    private final RecordedCollections collections = new RecordedCollections();
    /** What the budget reads of the old generation: 100 MiB held, never collected. */
    private final AtomicReference<OldGeneration.Reading> oldGeneration =
            new AtomicReference<>(new OldGeneration.Reading(100 * MB, 0, 0));

    private void promote(long bytes) {
        oldGeneration.updateAndGet(r -> new OldGeneration.Reading(r.used() + bytes, r.collections(), r.afterLastCollection()));
    }

    /** A collection of the old generation that leaves {@code bytes}. */
    private void collected(long bytes) {
        oldGeneration.updateAndGet(r -> new OldGeneration.Reading(bytes, r.collections() + 1, bytes));
    }

    /** A budget of 1 GiB that collects after work on 32 MiB or more. */
    private final WorkBudget budget = new WorkBudget(limits(1024 * MB, 32 * MB), oldGeneration::get, collections);

    /** A lease grown to {@code bytes} as a body arrives, from nothing. */
    private WorkBudget.Lease arriving(long bytes) {
        WorkBudget.Lease lease = budget.lease(0);
        lease.growTo(bytes, true);
        return lease;
    }

    /** That {@code count} collections were asked for, once a collection started by mistake would have run. */
    private void assertCollected(int count) throws InterruptedException {
        Thread.sleep(100);
        assertThat(collections.count).hasValue(count);
    }

    @Test
    void workOnALargeUploadIsFollowedByOneCollectionAtTheFirstIdleMoment() throws InterruptedException {
        WorkBudget.Lease large = budget.lease(40 * MB);
        WorkBudget.Lease other = budget.lease(1 * MB);

        large.close();
        // Another request still works: a collection now would stop it.
        assertCollected(0);

        // The collection is due, and made when the last work ends, small as it is.
        other.close();
        assertThat(collections.awaitOne()).isTrue();
        assertThat(collections.count).hasValue(1);
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());

        // Small work alone asks for none; closing twice gives nothing back twice and asks for nothing more.
        WorkBudget.Lease small = arriving(31 * MB);
        small.close();
        small.close();
        large.close();
        assertCollected(1);
    }

    @Test
    void backgroundWorkPutsTheCollectionOffUntilItEnds() throws InterruptedException {
        WorkBudget.Lease upload = arriving(32 * MB);
        // A comparison goes on after its request has given its room back.
        WorkBudget.Background comparison = budget.background();
        upload.close();
        assertCollected(0);

        comparison.close();
        assertThat(collections.awaitOne()).isTrue();
        comparison.close();
        assertCollected(1);
    }

    @Test
    void aRequestWhoseBodyCameInBeforeTheIdleMomentMakesTheDueCollectionBeforeItsWork() throws InterruptedException {
        WorkBudget.Lease first = budget.lease(40 * MB);
        // The next request's body arrives while the first one's work ends.
        WorkBudget.Lease next = arriving(40 * MB);
        first.close();
        assertCollected(0);

        WorkBudget.Lease other = budget.lease(1 * MB);
        next.beforeWork(); // another request still holds room
        assertThat(collections.count).hasValue(0);
        other.close(); // small, and next still holds room: still due
        assertCollected(0);

        next.beforeWork();
        // Made on the caller's thread, before beforeWork returns.
        assertThat(collections.count).hasValue(1);
        assertThat(collections.lastThread).isSameAs(Thread.currentThread());
        next.beforeWork(); // nothing due any more
        assertThat(collections.count).hasValue(1);
        // Its own work was large too: the next collection is due when it ends.
        next.close();
        assertThat(collections.awaitOne()).isTrue();
        assertCollected(2);
    }

    @Test
    void theCollectionIsToldTheMostTheOldGenerationGrewDuringOneLargeWork() throws InterruptedException {
        WorkBudget.Lease first = budget.lease(40 * MB);
        WorkBudget.Lease second = budget.lease(40 * MB);
        WorkBudget.Lease small = budget.lease(1 * MB);
        promote(300 * MB); // while all three work
        first.close();
        promote(500 * MB);
        second.close(); // grew by 800 MiB while it worked
        promote(2000 * MB);
        small.close(); // small work is not measured
        assertThat(collections.awaitOne()).isTrue();
        assertThat(collections.lastLeftByWork).isEqualTo(800 * MB);
        assertCollected(1); // and the collecting thread has finished

        // A collection during the work (the one before it, or one the collector made): grown from what it left.
        WorkBudget.Lease next = budget.lease(40 * MB);
        collected(50 * MB);
        promote(3000 * MB);
        next.close();
        assertThat(collections.awaitOne()).isTrue();
        assertThat(collections.lastLeftByWork).isEqualTo(3000 * MB);
    }

    @Test
    void theOldGenerationGrewFromWhatItHeldOrFromWhatItsLastCollectionLeft() {
        OldGeneration.Reading start = new OldGeneration.Reading(600 * MB, 4, 80 * MB);
        assertThat(new OldGeneration.Reading(1230 * MB, 4, 80 * MB).grownSince(start)).isEqualTo(630 * MB);
        // Collected once since, down to 50 MiB, then 630 MiB promoted: more than it held at the start.
        assertThat(new OldGeneration.Reading(680 * MB, 5, 50 * MB).grownSince(start)).isEqualTo(630 * MB);
        // Collected during the work, which kept its own 290 MiB graph there, then 245 MiB more promoted.
        OldGeneration.Reading fresh = new OldGeneration.Reading(65 * MB, 4, 65 * MB);
        assertThat(new OldGeneration.Reading(600 * MB, 5, 355 * MB).grownSince(fresh)).isEqualTo(535 * MB);
        assertThat(new OldGeneration.Reading(590 * MB, 4, 80 * MB).grownSince(start)).isZero();
        // The service's JVM reads a real one.
        OldGeneration.Reading now = OldGeneration.read();
        assertThat(now.used()).isPositive();
        assertThat(now.grownSince(now)).isZero();
    }

    @Test
    void theOldGenerationIsNearFullWhenHalfFullOrWhenItHasNoRoomForTwiceWhatTheLastWorkLeft() {
        // A million-node request under -Xmx2g: 1,366 MB of old generation, 640 MB promoted, 700 MB held.
        assertThat(OldGeneration.nearFull(700 * MB, 1366 * MB, 640 * MB)).isTrue();
        assertThat(OldGeneration.nearFull(640 * MB, 1366 * MB, 640 * MB)).isTrue();
        // The same with a heap three times as large: room for several such requests.
        assertThat(OldGeneration.nearFull(640 * MB, 4096 * MB, 640 * MB)).isFalse();
        assertThat(OldGeneration.nearFull(2048 * MB, 4096 * MB, 640 * MB)).isTrue();
        // Work that left little: only half full counts.
        assertThat(OldGeneration.nearFull(600 * MB, 1366 * MB, 50 * MB)).isFalse();
        assertThat(OldGeneration.nearFull(683 * MB, 1366 * MB, 0)).isTrue();
    }

    @Test
    void zeroTurnsTheCollectionOff() throws InterruptedException {
        WorkBudget never = new WorkBudget(limits(1024 * MB, 0), oldGeneration::get, collections);
        never.lease(500 * MB).close();
        assertCollected(0);
    }

    @Test
    void theOldGenerationIsFoundUnderTheCollectorsThatHaveOne() {
        // The test JVM runs G1 (the default), the service the parallel collector: both name an old generation.
        assertThat(OldGeneration.pool()).isPresent();
        assertThat(OldGeneration.used()).isBetween(1L, OldGeneration.max());
    }

    @Test
    void theBudgetStillRefusesWhatDoesNotFit() {
        WorkBudget tight = new WorkBudget(limits(64 * MB, 32 * MB), oldGeneration::get, left -> { });
        assertThatThrownBy(() -> tight.lease(65 * MB)).isInstanceOf(OverBudgetException.class)
                .hasMessageContaining("piecewise.limits.work-budget");
        WorkBudget.Lease held = tight.lease(60 * MB);
        assertThatThrownBy(() -> tight.lease(10 * MB)).isInstanceOf(BusyException.class);
        held.close();
        tight.lease(10 * MB).close();
        assertThat(tight.availableBytes()).isEqualTo(64 * MB);
    }
}
