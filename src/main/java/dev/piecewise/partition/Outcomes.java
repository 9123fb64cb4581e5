package dev.piecewise.partition;

import dev.piecewise.graph.Graph;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The outcome of each option set tried on one graph, shared by the runs of that graph that look for a
 * suggestion (the option sets of a comparison): each option set is partitioned once for all of them. Thread-safe.
 * <p>
 * An option set that another thread is partitioning at the moment is waited for rather than partitioned again, and
 * so is a Size decomposition another thread is making. Those waits cannot deadlock: an outcome or a decomposition
 * is claimed only by a thread that makes it at once, and making a decomposition waits for nothing.
 */
public final class Outcomes {

    private final ConcurrentHashMap<PartitionOptions, CompletableFuture<Outcome>> byOptions = new ConcurrentHashMap<>();
    /** The Size decompositions, which depend on the graph alone: a comparison tries decompose under three rules. */
    private final ConcurrentHashMap<SizeStrategy, CompletableFuture<SizeRewrite.Result>> decompositions =
            new ConcurrentHashMap<>();

    /** Partitions the graph under {@code options}, and tells the threads that wait for its outcome. */
    PartitionResult partition(Graph graph, PartitionOptions options) {
        return partition(graph, options, cut -> { });
    }

    /** The same, telling {@code beforeSplit} the graph to be split ({@link Partitioner#partition}). */
    PartitionResult partition(Graph graph, PartitionOptions options, Consumer<Graph> beforeSplit) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        // A claim already there (a suggestion lookup got to this option set first) stays: this one then only
        // makes the full result its run needs.
        byOptions.putIfAbsent(options, outcome);
        try {
            PartitionResult result = Partitioner.partitionOnce(graph, options, this::decomposed, beforeSplit);
            outcome.complete(result.outcome());
            return result;
        } catch (RuntimeException | Error e) {
            outcome.completeExceptionally(e);
            throw e;
        }
    }

    /** The decomposition of the graph by {@code strategy}: made here, or by the thread that claimed it first. */
    private SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy) {
        CompletableFuture<SizeRewrite.Result> claim = new CompletableFuture<>();
        CompletableFuture<SizeRewrite.Result> known = decompositions.putIfAbsent(strategy, claim);
        if (known != null) {
            return known.join();
        }
        try {
            claim.complete(Partitioner.decomposed(graph, strategy));
            return claim.join();
        } catch (RuntimeException | Error e) {
            claim.completeExceptionally(e);
            throw e;
        }
    }

    /** The outcome under {@code options}: known, being found by another thread, or partitioned here. */
    Outcome of(Graph graph, PartitionOptions options) {
        CompletableFuture<Outcome> known = byOptions.get(options);
        return known != null ? known.join() : partition(graph, options).outcome();
    }
}
