package dev.piecewise.run;

/** A request about a trace's graphs for a run that did not come from a TORCH_TRACE log. */
public class NotATraceException extends RuntimeException {

    public NotATraceException(String message) {
        super(message);
    }
}
