package dev.piecewise.run;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work a request handed to another thread, with that work's own exception if it failed. */
final class Futures {

    private Futures() {
    }

    /** The task's result, or the runtime exception it threw, as if it had run on this thread. */
    static <T> T result(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the run's other work", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
