package dev.piecewise.run;

/** An option the API does not know, or a value it does not accept; the message names the accepted values. */
public class BadOptionException extends RuntimeException {

    private final String option;

    public BadOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    public String option() {
        return option;
    }
}
