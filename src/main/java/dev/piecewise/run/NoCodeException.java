package dev.piecewise.run;

/** A run whose split failed has no split module to print. */
public class NoCodeException extends RuntimeException {

    public NoCodeException(String message) {
        super(message);
    }
}
