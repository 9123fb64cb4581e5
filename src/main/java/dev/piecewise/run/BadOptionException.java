package dev.piecewise.run;

/** An option the API does not know, or a value it does not accept; the message names the accepted values. */
public class BadOptionException extends RuntimeException {

    private final String option;

    public BadOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** Applies {@code parser}, turning its IllegalArgumentException (which names the accepted values) into this. */
    static <T> T parse(String option, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value == null ? null : value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadOptionException(option, e.getMessage());
        }
    }

    public String option() {
        return option;
    }
}
