package dev.piecewise.partition;

import dev.piecewise.graph.Graph;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The outcome of each option set tried on one graph, shared by the runs of that graph that look for a
 * suggestion (the option sets of a comparison): each option set is partitioned once for all of them. Thread-safe.
 * <p>
 * An option set that another thread is partitioning at the moment is waited for rather than partitioned again, and
 * so is a Size decomposition or a cut another thread is making. Option sets whose subgraph ids come out the same
 * share one cut ({@link Partitioner.Shared}). Those waits cannot deadlock: an outcome, a decomposition or a cut
 * is claimed only by a thread that makes it at once, and making a decomposition or a cut waits for no claim.
 */
public final class Outcomes {

    private final ConcurrentHashMap<PartitionOptions, CompletableFuture<Outcome>> byOptions = new ConcurrentHashMap<>();
    /** The Size decompositions, which depend on the graph alone: a comparison tries decompose under three rules. */
    private final ConcurrentHashMap<SizeStrategy, CompletableFuture<SizeRewrite.Result>> decompositions =
            new ConcurrentHashMap<>();

    /**
     * The cuts made for runs, by what they depend on: a comparison's sets that differ only in their getitem rule or
     * merges mostly assign the same ids, and so do the sets their suggestions are looked up among.
     */
    private final ConcurrentHashMap<CutKey, CompletableFuture<PartitionResult>> cuts = new ConcurrentHashMap<>();

    /**
     * What a cut depends on: the graph (by identity) and its ids, the splitting subgraphs, the Size strategy. The ids
     * are not changed once assigned: a Size strategy's moves make new ones ({@link SubgraphIds#onto}).
     */
    private record CutKey(SizeStrategy strategy, SubgraphIds ids, Set<Integer> splittingIds) {
        static CutKey of(SubgraphAssignment.Assignment assignment, SizeStrategy strategy) {
            return new CutKey(strategy, assignment.ids(), assignment.splittingIds());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CutKey key && key.strategy == strategy && key.ids.sameIds(ids)
                    && key.splittingIds.equals(splittingIds);
        }

        @Override
        public int hashCode() {
            return (strategy.hashCode() * 31 + ids.idsHash()) * 31 + splittingIds.hashCode();
        }
    }

    /**
     * Decompositions and cuts for a run's partition: each is made once, and kept for the option sets that need the
     * same (a run holds its cut anyway).
     */
    private final Partitioner.Shared forRuns = new Partitioner.Shared() {
        @Override
        public SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy) {
            return madeOnce(decompositions, strategy, () -> Partitioner.decomposed(graph, strategy));
        }

        @Override
        public PartitionResult cut(SubgraphAssignment.Assignment assignment, SizeStrategy strategy,
                                   Supplier<PartitionResult> cut) {
            return madeOnce(cuts, CutKey.of(assignment, strategy), cut);
        }
    };

    /**
     * For a suggestion lookup, which needs only the outcome: a cut made (or being made) for a run is taken, but one
     * made here is not kept. A graph that no option set compiles would otherwise hold the cuts of all the candidates
     * at once, each as large as the graph.
     */
    private final Partitioner.Shared forLookups = new Partitioner.Shared() {
        @Override
        public SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy) {
            return forRuns.decomposed(graph, strategy);
        }

        @Override
        public PartitionResult cut(SubgraphAssignment.Assignment assignment, SizeStrategy strategy,
                                   Supplier<PartitionResult> cut) {
            CompletableFuture<PartitionResult> known = cuts.get(CutKey.of(assignment, strategy));
            return known != null ? known.join() : cut.get();
        }
    };

    /** Partitions the graph under {@code options} for a run, and tells the threads that wait for its outcome. */
    PartitionResult partition(Graph graph, PartitionOptions options) {
        return partition(graph, options, cut -> { });
    }

    /** The same, telling {@code beforeSplit} the graph to be split ({@link Partitioner#partition}). */
    PartitionResult partition(Graph graph, PartitionOptions options, Consumer<Graph> beforeSplit) {
        return partition(graph, options, beforeSplit, forRuns);
    }

    private PartitionResult partition(Graph graph, PartitionOptions options, Consumer<Graph> beforeSplit,
                                      Partitioner.Shared shared) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        // A claim already there (a suggestion lookup got to this option set first) stays: this one then only
        // makes the full result its run needs.
        byOptions.putIfAbsent(options, outcome);
        try {
            PartitionResult result = Partitioner.partitionOnce(graph, options, shared, beforeSplit);
            outcome.complete(result.outcome());
            return result;
        } catch (RuntimeException | Error e) {
            outcome.completeExceptionally(e);
            throw e;
        }
    }

    private static <K, V> V madeOnce(ConcurrentHashMap<K, CompletableFuture<V>> made, K key, Supplier<V> make) {
        CompletableFuture<V> claim = new CompletableFuture<>();
        CompletableFuture<V> known = made.putIfAbsent(key, claim);
        if (known != null) {
            return known.join();
        }
        try {
            claim.complete(make.get());
            return claim.join();
        } catch (RuntimeException | Error e) {
            claim.completeExceptionally(e);
            throw e;
        }
    }

    /** The outcome under {@code options}: known, being found by another thread, or partitioned here. */
    Outcome of(Graph graph, PartitionOptions options) {
        CompletableFuture<Outcome> known = byOptions.get(options);
        return known != null ? known.join() : partition(graph, options, cut -> { }, forLookups).outcome();
    }
}
