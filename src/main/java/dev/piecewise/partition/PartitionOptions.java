package dev.piecewise.partition;

/** One what-if option set (src/docs/partitioning.md, "Options"); {@link #vllmDefaults} is what vLLM does today. */
public record PartitionOptions(SplittingOps splittingOps, SizeStrategy sizeStrategy, GetitemRule getitemRule,
                               boolean mergeConsecutiveSplits, boolean mergeEmptyAllocations) {

    public static PartitionOptions vllmDefaults(SplittingOps ops) {
        return new PartitionOptions(ops, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
    }

    /**
     * The option sets compared side by side: vLLM today, no size handling, and each size strategy on its own
     * (getitems only for tuples, no merges), as the fixtures were recorded.
     */
    public static java.util.List<PartitionOptions> whatIfSets(SplittingOps ops) {
        PartitionOptions isolated = new PartitionOptions(ops, SizeStrategy.NONE, GetitemRule.TUPLE_ONLY, false, false);
        return java.util.List.of(vllmDefaults(ops),
                vllmDefaults(ops).with(SizeStrategy.NONE, GetitemRule.VLLM),
                isolated.with(SizeStrategy.NONE, GetitemRule.OFF),
                isolated,
                isolated.with(SizeStrategy.MOVE_SINGLE_CONSUMER, GetitemRule.TUPLE_ONLY),
                isolated.with(SizeStrategy.MOVE_TO_CONSUMER, GetitemRule.TUPLE_ONLY),
                isolated.with(SizeStrategy.DUPLICATE, GetitemRule.TUPLE_ONLY),
                isolated.with(SizeStrategy.DECOMPOSE_LIST, GetitemRule.TUPLE_ONLY));
    }

    public PartitionOptions with(SizeStrategy strategy, GetitemRule rule) {
        return new PartitionOptions(splittingOps, strategy, rule, mergeConsecutiveSplits, mergeEmptyAllocations);
    }
}
