package dev.piecewise.limits;

/** The work budget stayed full for the whole admission wait: try again later (503 with Retry-After). */
public class BusyException extends RuntimeException {

    private final long retryAfterSeconds;

    BusyException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
