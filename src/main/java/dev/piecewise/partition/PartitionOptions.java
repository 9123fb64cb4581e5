package dev.piecewise.partition;

/** One what-if option set (domain.md §3); {@link #vllmDefaults} is what vLLM does today. */
public record PartitionOptions(SplittingOps splittingOps, SizeStrategy sizeStrategy, GetitemRule getitemRule,
                               boolean mergeConsecutiveSplits, boolean mergeEmptyAllocations) {

    public static PartitionOptions vllmDefaults(SplittingOps ops) {
        return new PartitionOptions(ops, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
    }

    public PartitionOptions with(SizeStrategy strategy, GetitemRule rule) {
        return new PartitionOptions(splittingOps, strategy, rule, mergeConsecutiveSplits, mergeEmptyAllocations);
    }

    public PartitionOptions withMerges(boolean consecutive, boolean emptyAllocations) {
        return new PartitionOptions(splittingOps, sizeStrategy, getitemRule, consecutive, emptyAllocations);
    }

    /** The fixtures' key for an option set: {@code decompose|vllm|merge}. */
    public String key() {
        return sizeStrategy.id() + "|" + getitemRule.id() + "|"
                + (mergeConsecutiveSplits && mergeEmptyAllocations ? "merge"
                : !mergeConsecutiveSplits && !mergeEmptyAllocations ? "nomerge"
                : "consecutive=" + mergeConsecutiveSplits + ",empty=" + mergeEmptyAllocations);
    }
}
