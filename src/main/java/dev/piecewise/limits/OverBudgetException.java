package dev.piecewise.limits;

/** One request needs more than the whole work budget: it can never be admitted (413 naming the setting). */
public class OverBudgetException extends RuntimeException {

    OverBudgetException(String message) {
        super(message);
    }
}
