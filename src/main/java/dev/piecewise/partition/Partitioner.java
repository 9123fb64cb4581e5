package dev.piecewise.partition;

import dev.piecewise.concurrent.Futures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Partitions a graph as vLLM's {@code split_graph} and {@code split_module} would under one option set, and
 * judges whether every piece compiles (src/docs/partitioning.md). Linear in the size of the graph.
 */
public final class Partitioner {

    static final String AOT_INPUT_ERROR = "AssertionError: all flat_args must be KNOWN_TYPES or opaque types";

    private Partitioner() {
    }

    /** Partitions and, when the graph does not compile, tries the other option sets for one that does. */
    public static PartitionResult partition(Graph graph, PartitionOptions options) {
        return partition(graph, options, new Outcomes());
    }

    /**
     * The same, for runs of one graph that share {@code outcomes} (the option sets of a comparison): each option
     * set is partitioned once for all of them, not once per run that looks for a suggestion.
     */
    public static PartitionResult partition(Graph graph, PartitionOptions options, Outcomes outcomes) {
        return partition(graph, options, outcomes, cut -> { });
    }

    /**
     * The same, telling {@code beforeSplit} the graph the split will cut (the original, or the one its Size strategy
     * rewrote) as soon as it is known: work that needs only that graph can start beside the split and the verdict.
     * Not told when a decomposition fails, for the option sets tried for a suggestion, nor when another option set
     * made the same cut ({@link Outcomes}): that one was told.
     */
    public static PartitionResult partition(Graph graph, PartitionOptions options, Outcomes outcomes,
                                            Consumer<Graph> beforeSplit) {
        PartitionResult result = outcomes.partition(graph, options, beforeSplit);
        if (result.outcome() == Outcome.OK) {
            return result;
        }
        for (PartitionOptions candidate : alternatives(options)) {
            if (outcomes.of(graph, candidate) == Outcome.OK) {
                return result.withSuggestion(candidate);
            }
        }
        return result;
    }

    /** The option sets worth suggesting, the least disruptive first. */
    static List<PartitionOptions> alternatives(PartitionOptions options) {
        List<PartitionOptions> candidates = new ArrayList<>();
        SizeStrategy[] strategies = {SizeStrategy.DECOMPOSE, SizeStrategy.DECOMPOSE_LIST, SizeStrategy.MOVE_TO_CONSUMER,
                SizeStrategy.DUPLICATE, SizeStrategy.MOVE_SINGLE_CONSUMER, SizeStrategy.NONE};
        List<GetitemRule> rules = new ArrayList<>(List.of(options.getitemRule()));
        for (GetitemRule rule : GetitemRule.values()) {
            if (!rules.contains(rule)) {
                rules.add(rule);
            }
        }
        for (GetitemRule rule : rules) {
            for (SizeStrategy strategy : strategies) {
                if (strategy != options.sizeStrategy() || rule != options.getitemRule()) {
                    candidates.add(options.with(strategy, rule));
                }
            }
        }
        return candidates;
    }

    public static PartitionResult partitionOnce(Graph graph, PartitionOptions options) {
        return partitionOnce(graph, options, Shared.NOTHING, cut -> { });
    }

    /** The Size decomposition {@code strategy} makes of {@code graph}; it depends on nothing else. */
    static SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy) {
        return strategy == SizeStrategy.DECOMPOSE ? SizeRewrite.decompose(graph) : SizeRewrite.decomposeList(graph);
    }

    /**
     * What the partitions of one graph under several option sets share ({@link Outcomes}): the decompositions, and
     * the cuts. An option set's getitem rule and merges only decide the subgraph ids; what comes after (a Size
     * strategy's moves, the split, the verdict) depends on the graph, the ids and the strategy alone. Option sets
     * that set the same ids on the same graph, as most do (a getitem lands beside its producer under every rule
     * unless a splitting op stands between them), share one cut.
     */
    interface Shared {
        /** Shares nothing: each decomposition and cut is made afresh (a partition alone). */
        Shared NOTHING = new Shared() {
            @Override
            public SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy) {
                return Partitioner.decomposed(graph, strategy);
            }

            @Override
            public PartitionResult cut(SubgraphAssignment.Assignment assignment, SizeStrategy strategy,
                                       java.util.function.Supplier<PartitionResult> cut) {
                return cut.get();
            }
        };

        /** {@link Partitioner#decomposed}, made here or recalled. */
        SizeRewrite.Result decomposed(Graph graph, SizeStrategy strategy);

        /** The cut of the assignment's graph at its ids under {@code strategy}: made by {@code cut}, or recalled. */
        PartitionResult cut(SubgraphAssignment.Assignment assignment, SizeStrategy strategy,
                            java.util.function.Supplier<PartitionResult> cut);
    }

    /**
     * @param shared      makes or recalls the decompositions and cuts
     * @param beforeSplit told the graph the split will cut, before it is split, when this call makes the cut
     */
    static PartitionResult partitionOnce(Graph graph, PartitionOptions options, Shared shared,
                                         Consumer<Graph> beforeSplit) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Relocation> relocations = new ArrayList<>();
        List<Problem> badCalls = List.of();
        Graph working = graph;
        List<Node> created = List.of();

        if (options.sizeStrategy() == SizeStrategy.DECOMPOSE || options.sizeStrategy() == SizeStrategy.DECOMPOSE_LIST) {
            SizeRewrite.Result rewrite = shared.decomposed(graph, options.sizeStrategy());
            diagnostics.addAll(rewrite.diagnostics());
            relocations.addAll(rewrite.relocations());
            if (rewrite.splitError() != null) {
                return splitFails(rewrite.splitError(), relocations, diagnostics);
            }
            badCalls = rewrite.badCalls();
            working = rewrite.edited().graph();
            created = rewrite.edited().created();
        }

        SubgraphAssignment.Assignment assignment = SubgraphAssignment.assign(working, options);
        if (assignment.splittingIds().isEmpty()) {
            diagnostics.add(noSplittingOp(working, options));
        }
        if (options.mergeEmptyAllocations()) {
            relocations.addAll(SubgraphAssignment.mergeEmptyAllocations(working, assignment));
        }
        Graph assigned = working;
        List<Problem> decompositionsBadCalls = badCalls;
        List<Node> decompositionsNodes = created;
        PartitionResult cut = shared.cut(assignment, options.sizeStrategy(), () -> cut(assigned, assignment,
                options.sizeStrategy(), decompositionsBadCalls, decompositionsNodes, beforeSplit));
        // This option set's own relocations and notes come first, placed where the cut put their nodes (a split
        // that fails places nothing).
        List<Relocation> all = new ArrayList<>(relocations.size() + cut.relocations().size());
        relocations.forEach(r -> all.add(cut.outcome() == Outcome.SPLIT_FAILS ? r : r.placed(cut.assignment())));
        all.addAll(cut.relocations());
        diagnostics.addAll(cut.diagnostics());
        return new PartitionResult(cut.outcome(), cut.error(), cut.compilable(), cut.submodules(), cut.assignment(),
                cut.emissionOrder(), all, cut.crossings(), cut.problems(), diagnostics, cut.createdNodes(),
                cut.graph(), null);
    }

    /**
     * The split and verdict of {@code graph} at the assignment's ids, after the Size strategy's moves: its relocations
     * and diagnostics are those this step makes.
     */
    private static PartitionResult cut(Graph graph, SubgraphAssignment.Assignment assignment, SizeStrategy strategy,
                                       List<Problem> badCalls, List<Node> created, Consumer<Graph> beforeSplit) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Relocation> relocations = new ArrayList<>();
        Graph working = graph;
        SubgraphIds ids = assignment.ids();
        if (strategy == SizeStrategy.MOVE_TO_CONSUMER || strategy == SizeStrategy.MOVE_SINGLE_CONSUMER
                || strategy == SizeStrategy.DUPLICATE) {
            SizeRelocation.Result moved = SizeRelocation.relocate(working, ids, strategy);
            relocations.addAll(moved.relocations());
            diagnostics.addAll(moved.diagnostics());
            working = moved.edited().graph();
            created = moved.edited().created();
            ids = ids.onto(working, moved.placed());
        }
        beforeSplit.accept(working);
        SplitModule.Split split = SplitModule.run(working, ids);
        if (split.error() != null) {
            diagnostics.add(Diagnostic.error("split-module-error", "torch.fx.passes.split_module raises "
                    + split.error().message() + explain(split.error()), null, null));
            return splitFails(split.error(), relocations, diagnostics);
        }
        return judge(working, split, ids, assignment.splittingIds(), relocations, badCalls, diagnostics, created);
    }

    /** A graph that no splitting op cuts is one piece; say so, and which custom ops it does call. */
    private static Diagnostic noSplittingOp(Graph graph, PartitionOptions options) {
        List<String> customOps = SplittingOps.customOpsCalled(graph.nodes(), 10);
        return Diagnostic.warning("no-splitting-op", "No node matches the splitting ops ("
                + String.join(", ", options.splittingOps().names()) + "), so the graph stays one piece"
                + (customOps.isEmpty() ? "." : ". Custom ops it calls: " + String.join(", ", customOps) + "."), null, null);
    }

    private static String explain(SplitError error) {
        if (error instanceof SplitError.ValueNotYetEmitted || error instanceof SplitError.UnboundSymbol) {
            return ": a submodule needs a value that a submodule emitted later computes (submodules are called in "
                    + "the order their ids first appear in the graph)";
        }
        if (error instanceof SplitError.PartitionCycle) {
            return ": two submodules need values from each other (vLLM's getitem rule can pull a tensor slice into "
                    + "a splitting subgraph; try getitemRule=tuple-only)";
        }
        return "";
    }

    private static PartitionResult splitFails(SplitError error, List<Relocation> relocations, List<Diagnostic> diagnostics) {
        return new PartitionResult(Outcome.SPLIT_FAILS, error.message(), false, List.of(), Map.of(), List.of(),
                relocations, List.of(), List.of(Problem.splitFailure(error)), diagnostics, List.of(), null, null);
    }

    private static SubmoduleValue valueAt(SubmoduleValue[] values, int at, Node v) {
        if (values[at] == null) {
            values[at] = new SubmoduleValue(v.name(), v.kind(), false);
        }
        return values[at];
    }

    /**
     * What the verdict makes of consecutive parts, in part order: their submodules, problems, crossings and notes.
     * A large graph's parts are judged in two halves, the second on another core, and the halves joined.
     */
    private static final class Verdicts {
        final List<Submodule> submodules = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final List<Crossing> crossings = new ArrayList<>();
        final List<Diagnostic> notes = new ArrayList<>();

        void append(Verdicts later) {
            submodules.addAll(later.submodules);
            problems.addAll(later.problems);
            crossings.addAll(later.crossings);
            notes.addAll(later.notes);
        }
    }

    private static PartitionResult judge(Graph graph, SplitModule.Split split, Map<String, Integer> ids,
                                         java.util.Set<Integer> splittingIds, List<Relocation> relocations,
                                         List<Problem> badCalls, List<Diagnostic> diagnostics,
                                         List<Node> created) {
        List<SplitModule.Part> byId = new ArrayList<>(split.parts());
        byId.sort((a, b) -> Integer.compare(a.id, b.id));

        // A value read by many submodules (the weights, x) is one object however many inputs list it. The halves
        // share the array without a lock: at worst both make an equal value, and a record's final fields make one
        // made by the other half safe to read.
        SubmoduleValue[] values = new SubmoduleValue[graph.size()];
        Verdicts judged;
        if (graph.size() >= Graph.HALVES_FROM && byId.size() > 1) {
            int half = byId.size() / 2;
            FutureTask<Verdicts> second = Futures.offer(() -> judgeParts(byId.subList(half, byId.size()), graph, split,
                    splittingIds, values), ForkJoinPool.commonPool());
            judged = judgeParts(byId.subList(0, half), graph, split, splittingIds, values);
            judged.append(Futures.resultHelping(second));
        } else {
            judged = judgeParts(byId, graph, split, splittingIds, values);
        }
        List<Submodule> submodules = judged.submodules;
        List<Problem> problems = judged.problems;
        List<Crossing> crossings = judged.crossings;
        diagnostics.addAll(judged.notes);
        split.globalStateRegions().forEach((node, region) -> {
            if (region.size() > 1) {
                diagnostics.add(Diagnostic.info("global-state-copied", node + " (" + graph.node(node).target()
                        + ") sets global state for subgraphs " + region + "; split_module copies it into "
                        + region.tailSet(region.first() + 1).stream().map(Submodule::nameOf).collect(Collectors.joining(", ")),
                        node, Submodule.nameOf(region.first())));
            }
        });
        reportGuessedKinds(crossings, diagnostics);
        reportTensorifiedFloats(graph, split, splittingIds, diagnostics);
        if (!graph.carriesShapes()) {
            diagnostics.add(Diagnostic.info("data-inputs-only", "The upload carries no shapes, so submodule inputs are "
                    + "the data inputs only: split_module also threads the shape symbols of every input (s77, ...), "
                    + "which print_readable output or fx-json would show", null, null));
        }
        List<Problem> allProblems = new ArrayList<>(badCalls.stream().map(p -> p.inSubmodule(submoduleOf(split, p.value())))
                .toList());
        allProblems.addAll(problems);
        Outcome outcome = !badCalls.isEmpty() ? Outcome.BAD_CALL : problems.isEmpty() ? Outcome.OK : Outcome.AOT_FAILS;
        String error = badCalls.isEmpty() ? null : badCalls.get(0).error();
        List<String> emission = split.parts().stream().map(part -> Submodule.nameOf(part.id)).toList();
        List<Relocation> placed = relocations.stream().map(r -> r.placed(ids)).toList();
        return new PartitionResult(outcome, error, outcome == Outcome.OK, submodules, ids, emission, placed,
                crossings, allProblems, diagnostics, created, graph, null);
    }

    private static Verdicts judgeParts(List<SplitModule.Part> parts, Graph graph, SplitModule.Split split,
                                       java.util.Set<Integer> splittingIds, SubmoduleValue[] values) {
        Verdicts judged = new Verdicts();
        for (SplitModule.Part part : parts) {
            String name = Submodule.nameOf(part.id);
            boolean splitting = splittingIds.contains(part.id);
            List<SubmoduleValue> inputs = new ArrayList<>(part.inputs.size());
            List<String> threaded = null;
            for (int i = 0; i < part.inputs.size(); i++) {
                int at = part.inputs.get(i);
                Node v = graph.nodes().get(at);
                boolean isThreaded = part.threadedOnly(at);
                SubmoduleValue in = isThreaded ? new SubmoduleValue(v.name(), v.kind(), true) : valueAt(values, at, v);
                inputs.add(in);
                if (isThreaded) {
                    threaded = threaded == null ? new ArrayList<>() : threaded;
                    threaded.add(v.name());
                }
                if (!splitting && in.kind().isContainer()) {
                    int producer = split.partAt(at);
                    judged.problems.add(Problem.input(name, in, producer < 0 ? "graph input" : Submodule.nameOf(producer),
                            AOT_INPUT_ERROR));
                }
            }
            List<SubmoduleValue> outputs = new ArrayList<>(part.outputs.size());
            List<Problem> outputProblems = List.of();
            for (int i = 0; i < part.outputs.size(); i++) {
                int at = part.outputs.get(i);
                Node v = graph.nodes().get(at);
                SubmoduleValue out = valueAt(values, at, v);
                outputs.add(out);
                judged.crossings.add(new Crossing(v.name(), v.kind(), name, split.consumersOf(at),
                        v.value() != null && v.value().guessed()));
                if (!splitting && out.kind().isContainer()) {
                    outputProblems = outputProblems.isEmpty() ? new ArrayList<>() : outputProblems;
                    outputProblems.add(Problem.output(name, out, split.consumersOf(at), outputSpecError(v)));
                }
            }
            // A submodule's input problems are listed before its output problems.
            judged.problems.addAll(outputProblems);
            judged.submodules.add(new Submodule(name, part.id, splitting, part.layout, inputs, outputs, part.copies()));
            if (threaded != null) {
                judged.notes.add(Diagnostic.info("threaded-shape-symbols", "split_module adds " + String.join(", ", threaded)
                        + " to " + name + "'s inputs only because the shapes of other inputs mention them "
                        + "(vLLM PR #35251 proposed dropping such unused inputs)", null, name));
            }
        }
        return judged;
    }

    /**
     * Container kinds decide the verdict, so each guessed one gets a warning; guessed tensors (the fallback rule
     * for calls without metadata) are summed up in one note.
     */
    private static void reportGuessedKinds(List<Crossing> crossings, List<Diagnostic> diagnostics) {
        int guessedTensors = 0;
        List<String> firstGuessedTensors = new ArrayList<>(); // the note names ten; a large graph has 100,000s
        for (Crossing c : crossings) {
            if (!c.kindGuessed()) {
                continue;
            }
            if (c.kind() == ValueKind.TENSOR) {
                if (guessedTensors++ < 10) {
                    firstGuessedTensors.add(c.value());
                }
            } else {
                diagnostics.add(Diagnostic.warning("guessed-kind", c.value() + " crosses from " + c.producer()
                        + " as a " + c.kind().id() + ", inferred without metadata because every user indexes it; "
                        + "upload fx-json or print_readable output to be sure", c.value(), c.producer()));
            }
        }
        if (guessedTensors > 0) {
            diagnostics.add(Diagnostic.info("inferred-kinds", guessedTensors + " crossing values were taken "
                    + "to be tensors because the upload carries no metadata for them: "
                    + String.join(", ", firstGuessedTensors) + (guessedTensors > 10 ? ", …" : ""), null, null));
        }
    }

    /**
     * {@code .item()} of a graph input in a compiled piece: under {@code torch.compile(dynamic=True)} Dynamo passes a
     * module's Python floats (a norm's eps, a dropout's p) as 0-d float64 tensors and reads them back so. AOTAutograd
     * run on such a piece outside Dynamo, as a backend does, may raise TensorifyScalarRestartAnalysis (Dynamo's signal
     * to restart with the floats made constants); whether it does depends on how the float is used, which the verdict
     * does not model, so it is a warning. Where shapes are known only a 0-d float64 input counts. On twelve real
     * captures (three kept as fixtures) it named every piece refused so, and some that compiled.
     */
    private static void reportTensorifiedFloats(Graph graph, SplitModule.Split split, Set<Integer> splittingIds,
                                                List<Diagnostic> diagnostics) {
        TreeSet<Integer> pieces = new TreeSet<>();
        String first = null;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (!node.isCallMethod("item") || graph.inputsStart(i + 1) == graph.inputsStart(i)
                    || !isTensorifiedFloat(graph, nodes.get(graph.inputPosition(graph.inputsStart(i))))) {
                continue;
            }
            int piece = split.partAt(i);
            if (piece >= 0 && !splittingIds.contains(piece)) {
                pieces.add(piece);
                first = first == null ? node.name() : first;
            }
        }
        if (!pieces.isEmpty()) {
            diagnostics.add(Diagnostic.warning("tensorified-floats", pieces.stream().map(Submodule::nameOf)
                    .collect(Collectors.joining(", ")) + " call .item() on graph inputs (" + first + " first): "
                    + "likely Python floats that Dynamo passed as tensors (torch.compile(dynamic=True)). AOTAutograd may "
                    + "refuse such a piece with TensorifyScalarRestartAnalysis, after which Dynamo restarts with the floats "
                    + "made constants; the verdict does not model it. Mark dimensions dynamic with mark_dynamic instead",
                    first, Submodule.nameOf(pieces.first())));
        }
    }

    /** A placeholder that may hold a Python float: any, where shapes are unknown; a 0-d float64 tensor otherwise. */
    private static boolean isTensorifiedFloat(Graph graph, Node input) {
        if (input.op() != Op.PLACEHOLDER) {
            return false;
        }
        ValueInfo value = input.value();
        return !graph.carriesShapes() || value == null || value.kind() == ValueKind.TENSOR
                && value.shape() != null && value.shape().isEmpty() && "float64".equals(value.dtype());
    }

    private static String submoduleOf(SplitModule.Split split, String node) {
        int id = split.partOf(node);
        return id < 0 ? null : Submodule.nameOf(id);
    }

    /** AOTAutograd's message for a non-flat output, with the TreeSpec of the value when its length is known. */
    private static String outputSpecError(Node node) {
        ValueInfo value = node.value();
        String type = node.kind() == ValueKind.SIZE ? "Size" : node.kind().id();
        int arity = value == null ? -1 : value.shape() != null && node.kind() == ValueKind.SIZE ? value.shape().size()
                : value.items() != null ? value.items().size() : -1;
        String children = arity < 0 ? "..." : java.util.stream.IntStream.range(0, arity).mapToObj(i -> "*")
                .collect(Collectors.joining(", "));
        return "AssertionError: output spec mismatch ... TreeSpec(" + type + ", None, [" + children + "])";
    }
}
