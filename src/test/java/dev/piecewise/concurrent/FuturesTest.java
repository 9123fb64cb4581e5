package dev.piecewise.concurrent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Work offered to a pool is done once: by the pool, or by the thread waiting for it while the pool is busy. */
class FuturesTest {

    @Test
    void aTaskThePoolHasNotStartedIsDoneByTheThreadWaitingForIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                try {
                    release.await(); // the pool's only thread is busy with work queued before
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicInteger runs = new AtomicInteger();
            FutureTask<String> task = Futures.offer(() -> runs.incrementAndGet() + " on "
                    + Thread.currentThread().getName(), pool);
            assertThat(Futures.resultHelping(task)).isEqualTo("1 on " + Thread.currentThread().getName());
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runs).hasValue(1); // the pool got to it later and did nothing
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskThePoolDidIsNotDoneAgainAndItsFailureIsThrownAsItsOwn() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger runs = new AtomicInteger();
            FutureTask<Integer> task = Futures.offer(runs::incrementAndGet, pool);
            task.get(10, TimeUnit.SECONDS);
            assertThat(Futures.resultHelping(task)).isEqualTo(1);
            assertThat(runs).hasValue(1);

            FutureTask<Object> failing = Futures.offer(() -> {
                throw new IllegalArgumentException("bad part");
            }, pool);
            assertThatThrownBy(() -> Futures.resultHelping(failing)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad part");

            FutureTask<Object> erring = Futures.offer(() -> {
                throw new StackOverflowError("too deep");
            }, pool);
            assertThatThrownBy(() -> Futures.resultHelping(erring)).isInstanceOf(StackOverflowError.class)
                    .hasMessage("too deep");
        } finally {
            pool.shutdownNow();
        }
    }
}
