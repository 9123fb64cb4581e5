package dev.piecewise.run;

import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.SizeStrategy;

/** History filters; null means no filter. */
public record RunFilter(String nameContains, String outcome, String sizeStrategy) {

    public static RunFilter none() {
        return new RunFilter(null, null, null);
    }

    /** Validates filter values so a typo gets an error naming the accepted values instead of an empty page. */
    public static RunFilter parse(String name, String verdict, String sizeStrategy) {
        String outcome = blankToNull(verdict);
        if (outcome != null) {
            try {
                Outcome.fromId(outcome);
            } catch (IllegalArgumentException e) {
                throw new BadOptionException("verdict", "unknown verdict '" + outcome
                        + "'; accepted values: ok, aot-fails, split-fails, bad-call");
            }
        }
        String strategy = blankToNull(sizeStrategy);
        if (strategy != null) {
            try {
                SizeStrategy.fromId(strategy);
            } catch (IllegalArgumentException e) {
                throw new BadOptionException("sizeStrategy", e.getMessage());
            }
        }
        return new RunFilter(blankToNull(name), outcome, strategy);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
