package dev.piecewise.run;

import dev.piecewise.partition.Outcome;

import java.util.List;

/**
 * What a harness expects of an upload ({@code expect=compilable} or {@code expect=ok}); when a run falls short,
 * the API answers 422 with the run, stored like any other, so {@code curl --fail-with-body} fails the job.
 */
public enum Expectation {
    /** No expectation: 201 whatever the verdict. */
    NONE,
    /** Every piece compiles under AOTAutograd. */
    COMPILABLE,
    /** The outcome is {@code ok}. */
    OK;

    static Expectation parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return switch (value.trim()) {
            case "compilable" -> COMPILABLE;
            case "ok" -> OK;
            default -> throw new BadOptionException("expect", "unknown expect '" + value.trim()
                    + "'; accepted values: compilable, ok");
        };
    }

    boolean metBy(List<RunReport> runs) {
        return runs.stream().allMatch(run -> switch (this) {
            case NONE -> true;
            case COMPILABLE -> run.verdict().compilable();
            case OK -> run.verdict().outcome() == Outcome.OK;
        });
    }
}
