package dev.piecewise.partition;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.FxTextParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.piecewise.partition.SamePartition.assertSamePartition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outcomes a comparison's option sets share while they look for suggestions. */
class OutcomesTest {

    private static final SplittingOps ATTN = new SplittingOps(List.of("oracle::attn"));

    /** A Size crosses the cut: the option sets that leave it there fail AOTAutograd and look for a suggestion. */
    private static final String SIZE_CROSSES = """
            graph():
                %x : torch.Tensor [num_users=2] = placeholder[target=x]
                %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                %v : [num_users=1] = call_method[target=view](args = (%a, %size), kwargs = {})
                return (v,)
            """;

    private static final String NO_SPLITTING_OP = """
            graph():
                %x : torch.Tensor [num_users=1] = placeholder[target=x]
                %y : [num_users=1] = call_function[target=torch.relu](args = (%x,), kwargs = {})
                return (y,)
            """;

    @Test
    void anOptionSetPartitionedOnceIsNotPartitionedAgain() {
        Outcomes outcomes = new Outcomes();
        PartitionOptions decompose = new PartitionOptions(ATTN, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
        Graph crossing = new FxTextParser().parse(SIZE_CROSSES, "t");
        assertThat(Partitioner.partition(crossing, decompose).outcome()).isEqualTo(Outcome.OK);
        assertThat(Partitioner.partition(crossing, decompose.with(SizeStrategy.NONE, GetitemRule.VLLM)).outcome())
                .isEqualTo(Outcome.AOT_FAILS);

        // Recorded under the crossing graph, the outcome is the one told for the same option set afterwards.
        outcomes.partition(crossing, decompose.with(SizeStrategy.NONE, GetitemRule.VLLM));
        assertThat(outcomes.of(new FxTextParser().parse(NO_SPLITTING_OP, "t"), decompose.with(SizeStrategy.NONE,
                GetitemRule.VLLM))).isEqualTo(Outcome.AOT_FAILS);
    }

    @Test
    void theGraphToBeSplitIsToldOnceBeforeTheSplitAndIsTheOneTheResultCuts() {
        Graph crossing = new FxTextParser().parse(SIZE_CROSSES, "t");
        PartitionOptions vllm = new PartitionOptions(ATTN, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
        for (SizeStrategy strategy : SizeStrategy.values()) {
            List<Graph> told = new ArrayList<>();
            // NONE fails AOTAutograd and tries the other option sets for a suggestion: those are not told.
            PartitionResult result = Partitioner.partition(crossing, vllm.with(strategy, GetitemRule.VLLM),
                    new Outcomes(), told::add);
            assertThat(told).as(strategy.id()).hasSize(1);
            assertThat(told.get(0)).as(strategy.id()).isSameAs(result.graph());
            assertThat(told.get(0) == crossing).as(strategy.id())
                    .isEqualTo(strategy == SizeStrategy.NONE);
        }
    }

    @Test
    void theSizeDecompositionIsMadeOnceForEveryGetitemRule() {
        Graph crossing = new FxTextParser().parse(SIZE_CROSSES, "t");
        Outcomes outcomes = new Outcomes();
        PartitionOptions vllm = new PartitionOptions(ATTN, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
        PartitionResult first = outcomes.partition(crossing, vllm);
        PartitionResult second = outcomes.partition(crossing, vllm.with(SizeStrategy.DECOMPOSE, GetitemRule.OFF));
        assertThat(first.graph()).isNotSameAs(crossing).isSameAs(second.graph());
        assertThat(outcomes.partition(crossing, vllm.with(SizeStrategy.DECOMPOSE_LIST, GetitemRule.OFF)).graph())
                .isNotSameAs(first.graph());
        // alone, each run decomposes the graph afresh
        assertThat(Partitioner.partition(crossing, vllm).graph()).isNotSameAs(first.graph());
    }

    /**
     * Option sets that assign the same ids take the cut a run made (the split is told only to the set that made it);
     * a cut made for a suggestion lookup, which needs only the outcome, is not kept.
     */
    @Test
    void aRunsCutIsSharedAndALookupsIsNotKept() {
        Graph crossing = new FxTextParser().parse(SIZE_CROSSES, "t");
        // no getitem, one splitting op, no allocation: every getitem rule and merge assigns the same ids
        PartitionOptions vllm = new PartitionOptions(ATTN, SizeStrategy.DECOMPOSE, GetitemRule.VLLM, true, true);
        Outcomes outcomes = new Outcomes();
        assertThat(outcomes.of(crossing, vllm)).isEqualTo(Outcome.OK);

        List<Graph> toldFirst = new ArrayList<>();
        PartitionResult first = outcomes.partition(crossing, vllm.with(SizeStrategy.DECOMPOSE, GetitemRule.OFF),
                toldFirst::add);
        assertThat(toldFirst).as("the lookup's cut was not kept: this run made its own").hasSize(1);

        List<Graph> toldSecond = new ArrayList<>();
        PartitionResult second = outcomes.partition(crossing,
                new PartitionOptions(ATTN, SizeStrategy.DECOMPOSE, GetitemRule.TUPLE_ONLY, false, false), toldSecond::add);
        assertThat(toldSecond).as("the run's cut was taken").isEmpty();
        assertThat(second.submodules()).isSameAs(first.submodules());
        assertThat(second.graph()).isSameAs(first.graph()).isSameAs(toldFirst.get(0));

        // another Size strategy is another cut
        List<Graph> toldOther = new ArrayList<>();
        outcomes.partition(crossing, vllm.with(SizeStrategy.DUPLICATE, GetitemRule.OFF), toldOther::add);
        assertThat(toldOther).hasSize(1);
    }

    @Test
    void optionSetsSharingOutcomesOnSeveralThreadsAnswerAsEachAlone() throws Exception {
        Graph graph = new FxTextParser().parse(Files.readString(Path.of(
                "src/test/resources/fixtures/scale/decoder-100-layers.txt")), "decoder");
        List<PartitionOptions> sets = PartitionOptions.whatIfSets(ATTN);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                Outcomes shared = new Outcomes();
                List<Future<PartitionResult>> together = new ArrayList<>();
                for (PartitionOptions set : sets) {
                    together.add(pool.submit(() -> Partitioner.partition(graph, set, shared)));
                }
                for (int i = 0; i < sets.size(); i++) {
                    // a shared Size decomposition cuts and judges each option set as its own would
                    assertSamePartition(together.get(i).get(), Partitioner.partition(graph, sets.get(i)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedPartitionFailsTheThreadsWaitingForIt() {
        Outcomes outcomes = new Outcomes();
        PartitionOptions options = new PartitionOptions(ATTN, SizeStrategy.NONE, GetitemRule.VLLM, true, true);
        assertThatThrownBy(() -> outcomes.partition(null, options))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> outcomes.of(null, options))
                .hasCauseInstanceOf(NullPointerException.class);
    }
}
