package dev.piecewise.run;

import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.SizeStrategy;

/**
 * History filters; null means no filter.
 *
 * @param createdFrom first day included (UTC)
 * @param createdTo   last day included (UTC)
 */
public record RunFilter(String nameContains, Outcome outcome, SizeStrategy sizeStrategy, java.time.LocalDate createdFrom,
                        java.time.LocalDate createdTo) {

    /** Validates filter values so a typo gets an error naming the accepted values instead of an empty page. */
    public static RunFilter parse(String name, String verdict, String sizeStrategy, String from, String to) {
        String outcome = blankToNull(verdict);
        String strategy = blankToNull(sizeStrategy);
        return new RunFilter(blankToNull(name),
                outcome == null ? null : BadOptionException.parse("verdict", outcome, Outcome::fromId),
                strategy == null ? null : BadOptionException.parse("sizeStrategy", strategy, SizeStrategy::fromId),
                date("from", from), date("to", to));
    }

    /** Whether no filter is set: then every run matches. */
    public boolean filtersNothing() {
        return nameContains == null && outcome == null && sizeStrategy == null && createdFrom == null && createdTo == null;
    }

    private static java.time.LocalDate date(String option, String value) {
        String v = blankToNull(value);
        try {
            return v == null ? null : java.time.LocalDate.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadOptionException(option, option + " must be a date like 2026-11-28, not '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
