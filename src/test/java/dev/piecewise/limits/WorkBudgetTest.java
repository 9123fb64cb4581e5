package dev.piecewise.limits;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkBudgetTest {

    private static final long MB = 1024 * 1024;

    private static LimitsProperties limits(long budgetBytes, long collectAfterBytes) {
        return new LimitsProperties(DataSize.ofBytes(budgetBytes), Duration.ofMillis(50), Duration.ofSeconds(60), 50,
                1000, Duration.ofSeconds(120), 256, 2_000_000, DataSize.ofBytes(collectAfterBytes));
    }

    /** Counts the collections asked for; {@link #awaitOne()} waits for the next one. */
    private static final class RecordedCollections implements Runnable {
        final AtomicInteger count = new AtomicInteger();
        private volatile CountDownLatch next = new CountDownLatch(1);

        @Override
        public void run() {
            count.incrementAndGet();
            next.countDown();
        }

        boolean awaitOne() throws InterruptedException {
            boolean ran = next.await(5, TimeUnit.SECONDS);
            next = new CountDownLatch(1);
            return ran;
        }
    }

    @Test
    void workOnALargeUploadIsFollowedByOneCollectionOnceTheBudgetIsIdle() throws InterruptedException {
        RecordedCollections collections = new RecordedCollections();
        WorkBudget budget = new WorkBudget(limits(1024 * MB, 32 * MB), collections);
        WorkBudget.Lease large = budget.lease(40 * MB);
        WorkBudget.Lease other = budget.lease(1 * MB);

        large.close();
        // Another request still works: a collection now would stop it.
        Thread.sleep(50);
        assertThat(collections.count).hasValue(0);

        other.close();
        // Small work alone does not ask for one, even when it leaves the budget idle.
        Thread.sleep(50);
        assertThat(collections.count).hasValue(0);

        WorkBudget.Lease again = budget.lease(0);
        again.growTo(32 * MB, true);
        again.close();
        assertThat(collections.awaitOne()).isTrue();
        assertThat(collections.count).hasValue(1);
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());

        // Closing twice gives nothing back twice and asks for nothing more.
        again.close();
        Thread.sleep(50);
        assertThat(collections.count).hasValue(1);
    }

    @Test
    void zeroTurnsTheCollectionOff() throws InterruptedException {
        RecordedCollections collections = new RecordedCollections();
        WorkBudget budget = new WorkBudget(limits(1024 * MB, 0), collections);
        budget.lease(500 * MB).close();
        Thread.sleep(50);
        assertThat(collections.count).hasValue(0);
    }

    @Test
    void theBudgetStillRefusesWhatDoesNotFit() {
        WorkBudget budget = new WorkBudget(limits(64 * MB, 32 * MB), () -> { });
        assertThatThrownBy(() -> budget.lease(65 * MB)).isInstanceOf(OverBudgetException.class)
                .hasMessageContaining("piecewise.limits.work-budget");
        WorkBudget.Lease held = budget.lease(60 * MB);
        assertThatThrownBy(() -> budget.lease(10 * MB)).isInstanceOf(BusyException.class);
        held.close();
        budget.lease(10 * MB).close();
        assertThat(budget.availableBytes()).isEqualTo(64 * MB);
    }
}
