package dev.piecewise.limits;

import java.time.Duration;

/**
 * The time a request may take for its work, {@code piecewise.limits.work-timeout}, checked between the steps of a
 * run (parsed, partitioned, about to be stored): work over its time is given up, nothing is stored, and the client
 * gets a 503. Plain Java, so that the service can call {@link #check} from any layer; set per request by
 * {@link WorkDeadlineFilter}.
 */
public final class WorkDeadline {

    private static final ThreadLocal<long[]> DEADLINE = new ThreadLocal<>();

    private WorkDeadline() {
    }

    static void start(Duration timeout) {
        DEADLINE.set(new long[]{System.nanoTime() + timeout.toNanos(), timeout.toMillis()});
    }

    static void clear() {
        DEADLINE.remove();
    }

    /** @throws WorkTimeoutException when this request's time is over */
    public static void check(String step) {
        long[] deadline = DEADLINE.get();
        if (deadline != null && System.nanoTime() - deadline[0] > 0) {
            throw new WorkTimeoutException("the work on this request took longer than " + deadline[1]
                    + " ms (piecewise.limits.work-timeout) and was given up " + step + "; nothing was stored");
        }
    }

    /** Work over its time: 503, the client may retry when the service is less busy. */
    public static class WorkTimeoutException extends RuntimeException {
        WorkTimeoutException(String message) {
            super(message);
        }
    }
}
