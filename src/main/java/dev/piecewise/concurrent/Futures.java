package dev.piecewise.concurrent;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Waiting for work handed to another thread, with that work's own exception if it failed. Plain Java: the parsers
 * use it as the service does.
 */
public final class Futures {

    private Futures() {
    }

    /** The task's result, or the runtime exception or error it threw, as if it had run on this thread. */
    public static <T> T result(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for work handed to another thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@code work}, handed to {@code pool} to start while this thread does something else. */
    public static <T> FutureTask<T> offer(Callable<T> work, Executor pool) {
        FutureTask<T> task = new FutureTask<>(work);
        pool.execute(task);
        return task;
    }

    /**
     * The result of a task {@link #offer}ed to a pool: made here if the pool has not started it yet (its threads
     * busy with work queued before it), else waited for. A task already run does nothing when the pool gets to it.
     */
    public static <T> T resultHelping(FutureTask<T> task) {
        task.run();
        return result(task);
    }
}
