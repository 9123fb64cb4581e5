package dev.piecewise.run;

import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.SizeStrategy;

/**
 * Where each option value stands in vLLM: its behaviour today, what it did before a merged fix, or a proposed fix,
 * with the pull request (src/docs/partitioning.md, "Options: vLLM today and the fixes around it").
 */
public final class OptionOrigins {

    /** The run page reads the labels through this instance. */
    static final OptionOrigins INSTANCE = new OptionOrigins();

    /**
     * @param label "vLLM today", "merged fix", "proposed fix" or "vLLM before the fix"
     * @param link  what the link says ({@code PR #36038}, {@code issue #31043}); null when there is none
     * @param url   null when there is none
     */
    public record Origin(String label, String link, String url) {

        private static Origin pr(String label, int number, String state) {
            return new Origin(label, state + " PR #" + number, "https://github.com/vllm-project/vllm/pull/" + number);
        }
    }

    private static final String TODAY = "vLLM today";
    private static final String PROPOSED = "proposed fix";
    private static final String BEFORE = "vLLM before the fix";

    private OptionOrigins() {
    }

    public Origin size(SizeStrategy strategy) {
        return switch (strategy) {
            case DECOMPOSE -> Origin.pr(TODAY + " (merged fix)", 36038, "merged");
            case NONE -> Origin.pr(BEFORE, 36038, "merged");
            case DECOMPOSE_LIST -> new Origin(PROPOSED + " (a corrected decomposition)", "issue #31043",
                    "https://github.com/vllm-project/vllm/issues/31043");
            case MOVE_TO_CONSUMER -> Origin.pr(PROPOSED, 35635, "open");
            case MOVE_SINGLE_CONSUMER -> Origin.pr(PROPOSED + " (review of the PR)", 35635, "open");
            case DUPLICATE -> Origin.pr(PROPOSED, 32747, "closed draft");
        };
    }

    public Origin getitem(GetitemRule rule) {
        return switch (rule) {
            case VLLM -> Origin.pr(TODAY + " (merged fix)", 28533, "merged");
            case TUPLE_ONLY -> Origin.pr(PROPOSED + " (narrows the PR)", 28533, "merged");
            case OFF -> Origin.pr(BEFORE, 28533, "merged");
        };
    }

    public Origin mergeEmptyAllocations(boolean merge) {
        return Origin.pr(merge ? TODAY + " (merged fix)" : BEFORE, 28044, "merged");
    }

    public Origin mergeConsecutiveSplits(boolean merge) {
        return new Origin(merge ? TODAY : "not vLLM", null, null);
    }
}
