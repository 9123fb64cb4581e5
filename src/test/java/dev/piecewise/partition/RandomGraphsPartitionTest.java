package dev.piecewise.partition;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.format.FxTextParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every partition must have, checked on random graphs under every option set: Sizes and the ints and
 * slices taken from them, tuples, views, splits, allocations between splits, grad-mode and autocast regions, in any order, with the names FX
 * gives (so a strategy's new names meet taken ones). Nothing here knows the answer for a graph; each property reads
 * the result against the graph it reports. A failure names the seed, the options and the graph.
 */
class RandomGraphsPartitionTest {

    private static final SplittingOps ATTN = new SplittingOps(List.of("oracle::attn"));
    private static final int GRAPHS = 150;
    private static final String EXIT_AUTOCAST = "torch.amp.autocast_mode._exit_autocast";

    @Test
    void everyOptionSetPartitionsEveryGraphConsistently() {
        for (int seed = 0; seed < GRAPHS; seed++) {
            String text = RandomFxGraph.of(new SplittableRandom(seed));
            for (PartitionOptions options : everyOptionSet()) {
                checked(seed, options, text, () -> {
                    Graph graph = parsed(text);
                    PartitionResult result = Partitioner.partition(graph, options);
                    holdsItsProperties(result);
                    // The same graph again: a partition leaves the graph it was given as it was.
                    SamePartition.assertSamePartition(Partitioner.partition(graph, options), result);
                    if (result.suggestion() != null) {
                        assertThat(Partitioner.partition(parsed(text), result.suggestion())
                                .compilable()).as("the suggestion compiles").isTrue();
                    }
                    // Only vLLM's decomposition (a slice of a Size) fails to split where no size handling splits.
                    if (result.outcome() == Outcome.SPLIT_FAILS && options.sizeStrategy() != SizeStrategy.DECOMPOSE) {
                        assertThat(Partitioner.partitionOnce(parsed(text), options.with(SizeStrategy.NONE,
                                options.getitemRule())).outcome()).as("without size handling").isEqualTo(Outcome.SPLIT_FAILS);
                    }
                });
            }
        }
    }

    /**
     * A comparison partitions its option sets with one {@link Outcomes}, where the sets that give the nodes the same
     * subgraph ids share one cut. Every set must report what it reports partitioned alone, sharing nothing; and both
     * kinds of pair must occur: sets of one Size strategy that share a cut, and sets of one strategy whose getitem
     * rule or merges set other ids, which must not.
     */
    @Test
    void optionSetsThatShareACutReportWhatEachReportsAlone() {
        int sharedCuts = 0;
        int otherIds = 0;
        for (int seed = 0; seed < GRAPHS; seed++) {
            String text = RandomFxGraph.of(new SplittableRandom(seed));
            Graph graph = parsed(text);
            Outcomes outcomes = new Outcomes();
            Map<SizeStrategy, List<PartitionResult>> byStrategy = new HashMap<>();
            for (PartitionOptions options : everyOptionSet()) {
                List<PartitionResult> together = new ArrayList<>(1);
                checked(seed, options, text, () -> {
                    together.add(outcomes.partition(graph, options));
                    SamePartition.assertSamePartition(together.get(0), Partitioner.partitionOnce(parsed(text), options));
                });
                PartitionResult result = together.get(0);
                if (result.outcome() == Outcome.SPLIT_FAILS) {
                    continue;
                }
                for (PartitionResult earlier : byStrategy.computeIfAbsent(options.sizeStrategy(), s -> new ArrayList<>())) {
                    if (earlier.submodules() == result.submodules()) {
                        sharedCuts++;
                    } else if (!earlier.assignment().equals(result.assignment())) {
                        otherIds++;
                    }
                }
                byStrategy.get(options.sizeStrategy()).add(result);
            }
        }
        assertThat(sharedCuts).isGreaterThan(GRAPHS * 10);
        assertThat(otherIds).isGreaterThan(GRAPHS);
    }

    /** The generator makes what the properties are about, so that they are not checked on trivial graphs only. */
    @Test
    void theRandomGraphsHoldWhatThePropertiesAreAbout() {
        int split = 0;
        int notCompilableWithoutSizeHandling = 0;
        int relocated = 0;
        int allocationsMerged = 0;
        for (int seed = 0; seed < GRAPHS; seed++) {
            String text = RandomFxGraph.of(new SplittableRandom(seed));
            PartitionResult none = Partitioner.partitionOnce(parsed(text),
                    PartitionOptions.vllmDefaults(ATTN).with(SizeStrategy.NONE, GetitemRule.VLLM));
            split += none.outcome() == Outcome.SPLIT_FAILS ? 0 : 1;
            notCompilableWithoutSizeHandling += none.outcome() == Outcome.AOT_FAILS ? 1 : 0;
            PartitionResult duplicate = Partitioner.partitionOnce(parsed(text),
                    PartitionOptions.vllmDefaults(ATTN).with(SizeStrategy.DUPLICATE, GetitemRule.VLLM));
            relocated += duplicate.relocations().stream().anyMatch(r -> r.action() == RelocationAction.DUPLICATED) ? 1 : 0;
            allocationsMerged += duplicate.relocations().stream()
                    .anyMatch(r -> r.action() == RelocationAction.MERGED_EMPTY_ALLOCATION) ? 1 : 0;
        }
        assertThat(split).isGreaterThan(GRAPHS / 2);
        assertThat(notCompilableWithoutSizeHandling).isGreaterThan(GRAPHS / 4);
        assertThat(relocated).isGreaterThan(GRAPHS / 4);
        assertThat(allocationsMerged).isGreaterThan(GRAPHS / 10);
    }

    /** Parsed anew for each partition, so that none can see what another left in a graph. */
    private static Graph parsed(String text) {
        return new FxTextParser().parse(text, "random");
    }

    private static List<PartitionOptions> everyOptionSet() {
        List<PartitionOptions> sets = new ArrayList<>();
        for (SizeStrategy strategy : SizeStrategy.values()) {
            for (GetitemRule rule : GetitemRule.values()) {
                for (int merges = 0; merges < 4; merges++) {
                    sets.add(new PartitionOptions(ATTN, strategy, rule, (merges & 1) != 0, (merges & 2) != 0));
                }
            }
        }
        return sets;
    }

    private static void checked(int seed, PartitionOptions options, String text, Runnable check) {
        try {
            check.run();
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("seed " + seed + ", sizeStrategy=" + options.sizeStrategy().id() + " getitemRule="
                    + options.getitemRule().id() + " mergeConsecutiveSplits=" + options.mergeConsecutiveSplits()
                    + " mergeEmptyAllocations=" + options.mergeEmptyAllocations() + ":\n" + text, e);
        }
    }

    private static void holdsItsProperties(PartitionResult result) {
        if (result.outcome() == Outcome.SPLIT_FAILS) {
            assertThat(result.error()).as("a split that fails says why").isNotBlank();
            return;
        }
        Graph graph = result.graph();
        namesAreIndexedWhereTheyStand(graph);
        Map<String, Submodule> byName = new HashMap<>();
        Map<String, String> holder = new HashMap<>();
        for (Submodule submodule : result.submodules()) {
            byName.put(submodule.name(), submodule);
            Set<String> copies = new HashSet<>();
            submodule.copies().forEach(copy -> copies.add(copy.name()));
            for (String name : submodule.nodes()) {
                if (!copies.contains(name)) {
                    assertThat(holder.put(name, submodule.name())).as("%s is in one submodule", name).isNull();
                }
            }
        }
        for (Node node : graph.nodes()) {
            if (node.op() != Op.PLACEHOLDER && node.op() != Op.OUTPUT && node.op() != Op.GET_ATTR) {
                assertThat(holder.get(node.name())).as("the submodule of %s", node.name())
                        .isEqualTo(Submodule.nameOf(result.assignment().get(node.name())));
            }
        }
        readsOnlyWhatItHoldsOrTakes(result, graph, holder);
        takesOnlyWhatAnEarlierOneGives(result, graph, byName, holder);
        Set<String> returned = new HashSet<>();
        graph.output().forEachInput(returned::add);
        crossingsAreTheValuesTakenOrReturned(result, graph, holder, returned);
        everyOutputIsTakenOrReturned(result, graph, holder, returned);
        relocationsSayWhereNodesWent(result, graph, holder);
        if (result.error() == null) {
            // The rule the verdict states (AOTAutograd takes no container in or out of a compiled piece), read
            // against the pieces this result reports.
            boolean containerEntersOrLeavesACompiledPiece = result.submodules().stream().filter(s -> !s.splitting())
                    .anyMatch(s -> s.inputs().stream().anyMatch(v -> v.kind().isContainer())
                            || s.outputs().stream().anyMatch(v -> v.kind().isContainer()));
            assertThat(result.outcome()).as("the verdict")
                    .isEqualTo(containerEntersOrLeavesACompiledPiece ? Outcome.AOT_FAILS : Outcome.OK);
            assertThat(result.problems().isEmpty()).isEqualTo(!containerEntersOrLeavesACompiledPiece);
        }
    }

    private static void namesAreIndexedWhereTheyStand(Graph graph) {
        for (int i = 0; i < graph.size(); i++) {
            assertThat(graph.indexOf(graph.nodes().get(i).name())).as("the index of %s", graph.nodes().get(i).name())
                    .isEqualTo(i);
        }
    }

    /** A node reads values of its own submodule, or the submodule's inputs. */
    private static void readsOnlyWhatItHoldsOrTakes(PartitionResult result, Graph graph, Map<String, String> holder) {
        for (Submodule submodule : result.submodules()) {
            Set<String> inputs = names(submodule.inputs());
            for (String name : submodule.nodes()) {
                Node node = graph.node(name);
                if (!submodule.name().equals(holder.get(name)) || node.isCallFunction(EXIT_AUTOCAST)) {
                    continue; // a grad-mode or autocast copy; an exit reads its submodule's copy of the enter
                }
                node.forEachInput(input -> {
                    if (!submodule.name().equals(holder.get(input))) {
                        assertThat(inputs).as("%s of %s reads %s", submodule.name(), name, input).contains(input);
                    }
                });
            }
        }
    }

    /** A submodule's input is the graph's, or an output of a submodule called before it. */
    private static void takesOnlyWhatAnEarlierOneGives(PartitionResult result, Graph graph,
                                                       Map<String, Submodule> byName, Map<String, String> holder) {
        List<String> order = result.emissionOrder();
        for (Submodule submodule : result.submodules()) {
            for (SubmoduleValue input : submodule.inputs()) {
                Node producer = graph.node(input.name());
                assertThat(producer).as("%s takes %s", submodule.name(), input.name()).isNotNull();
                if (producer.op() == Op.PLACEHOLDER) {
                    continue;
                }
                String from = holder.get(input.name());
                assertThat(order.indexOf(from)).as("%s is called before %s", from, submodule.name())
                        .isLessThan(order.indexOf(submodule.name()));
                assertThat(names(byName.get(from).outputs())).contains(input.name());
            }
        }
    }

    /**
     * The crossings are exactly the values a submodule takes from another or the graph returns: each from the
     * submodule that computes it, to the submodules that take it and "output" when the graph returns it.
     */
    private static void crossingsAreTheValuesTakenOrReturned(PartitionResult result, Graph graph,
                                                             Map<String, String> holder, Set<String> returned) {
        Map<String, Set<String>> takers = new HashMap<>();
        Map<String, SubmoduleValue> taken = new HashMap<>();
        for (Submodule submodule : result.submodules()) {
            for (SubmoduleValue input : submodule.inputs()) {
                if (graph.node(input.name()).op() != Op.PLACEHOLDER) {
                    takers.computeIfAbsent(input.name(), v -> new HashSet<>()).add(submodule.name());
                    taken.put(input.name(), input);
                }
            }
        }
        for (String value : returned) {
            if (holder.containsKey(value)) {
                takers.computeIfAbsent(value, v -> new HashSet<>()).add("output");
            }
        }
        Map<String, Crossing> crossings = new HashMap<>();
        result.crossings().forEach(c -> crossings.put(c.value(), c));
        assertThat(crossings.keySet()).as("the values that cross").isEqualTo(takers.keySet());
        takers.forEach((value, consumers) -> {
            Crossing crossing = crossings.get(value);
            assertThat(crossing.producer()).as("where %s crosses from", value).isEqualTo(holder.get(value));
            assertThat(new HashSet<>(crossing.consumers())).as("where %s crosses to", value).isEqualTo(consumers);
            if (taken.containsKey(value)) {
                assertThat(crossing.kind()).isEqualTo(taken.get(value).kind());
            }
        });
    }

    /** A submodule gives what another takes or the graph returns, and gives every value the graph returns of it. */
    private static void everyOutputIsTakenOrReturned(PartitionResult result, Graph graph, Map<String, String> holder,
                                                     Set<String> returned) {
        Set<String> takenOrReturned = new HashSet<>(returned);
        result.submodules().forEach(s -> s.inputs().forEach(v -> takenOrReturned.add(v.name())));
        Map<String, Set<String>> outputs = new HashMap<>();
        for (Submodule submodule : result.submodules()) {
            outputs.put(submodule.name(), names(submodule.outputs()));
            for (SubmoduleValue output : submodule.outputs()) {
                assertThat(takenOrReturned).as("%s gives %s", submodule.name(), output.name()).contains(output.name());
            }
        }
        for (String value : returned) {
            if (holder.containsKey(value)) {
                assertThat(outputs.get(holder.get(value))).as("%s gives %s to the output", holder.get(value), value)
                        .contains(value);
            }
        }
    }

    /**
     * A moved node is in the submodule it moved to; the nodes a clone or decomposition made are in the graph. A node
     * relocated twice (moved, then merged) is where the last relocation says.
     */
    private static void relocationsSayWhereNodesWent(PartitionResult result, Graph graph, Map<String, String> holder) {
        Map<String, Relocation> last = new HashMap<>();
        result.relocations().forEach(r -> last.put(r.node(), r));
        for (Relocation relocation : last.values()) {
            switch (relocation.action()) {
                case MOVED, MERGED_EMPTY_ALLOCATION ->
                        assertThat(holder.get(relocation.node())).as("where %s went", relocation.node())
                                .isEqualTo(relocation.to());
                case DUPLICATED, DECOMPOSED -> {
                    if (relocation.into().isEmpty()) { // decomposed into elements that were there already
                        assertThat(relocation.action()).isEqualTo(RelocationAction.DECOMPOSED);
                        assertThat(relocation.to()).isNull();
                        continue;
                    }
                    relocation.into().forEach(n -> assertThat(graph.node(n)).as("%s made of %s", n, relocation.node())
                            .isNotNull());
                    assertThat(holder.get(relocation.into().get(0))).as("where %s went", relocation.node())
                            .isEqualTo(relocation.to());
                }
            }
        }
    }

    private static Set<String> names(List<SubmoduleValue> values) {
        Set<String> names = new HashSet<>();
        values.forEach(v -> names.add(v.name()));
        return names;
    }

    /**
     * Random graphs in {@code print(graph)} text. Values are drawn from what exists so far, by kind, so each graph is
     * well formed; grad-mode and autocast regions open and close in order, as Dynamo writes them.
     */
    static final class RandomFxGraph {

        /** The rank of every tensor, so that a Size's elements and a dim are always in range. */
        private static final int RANK = 2;
        private static final String ATTN_TARGET = "torch.ops.oracle.attn";

        private final SplittableRandom random;
        private final List<String[]> lines = new ArrayList<>(); // name, right-hand side
        private final Map<String, Integer> counters = new HashMap<>();
        private final List<String> tensors = new ArrayList<>();
        private final List<String> sizes = new ArrayList<>();
        /** How many elements each Size has: a tensor's holds {@link #RANK}, a slice fewer. */
        private final Map<String, Integer> lengths = new HashMap<>();
        private final List<String> ints = new ArrayList<>();
        private final List<String> tuples = new ArrayList<>();
        private final List<String> autocasts = new ArrayList<>();
        private boolean gradOff;
        /** Half the graphs have no regions: split_module refuses most graphs whose regions span cuts out of order. */
        private final boolean regions;

        private RandomFxGraph(SplittableRandom random) {
            this.random = random;
            this.regions = random.nextBoolean();
        }

        static String of(SplittableRandom random) {
            return new RandomFxGraph(random).build();
        }

        private String build() {
            int placeholders = 1 + random.nextInt(3);
            for (int i = 0; i < placeholders; i++) {
                tensors.add(add("l_x", "placeholder"));
            }
            if (random.nextBoolean()) {
                ints.add(add("s0", "placeholder"));
            }
            int body = 8 + random.nextInt(40);
            for (int i = 0; i < body; i++) {
                step();
            }
            while (!autocasts.isEmpty()) {
                exitAutocast();
            }
            if (gradOff) {
                add("_set_grad_enabled", fn("torch._C._set_grad_enabled", "True"));
            }
            List<String> returned = new ArrayList<>();
            returned.add(pick(tensors));
            if (random.nextInt(4) == 0 && !sizes.isEmpty()) {
                returned.add(pick(sizes));
            }
            if (random.nextBoolean()) {
                returned.add(pick(tensors));
            }
            return print(returned);
        }

        private void step() {
            switch (random.nextInt(regions ? 15 : 13)) {
                case 0, 1 -> tensors.add(add("attn", fn(ATTN_TARGET, ref(pick(tensors)))));
                case 2 -> tensors.add(add("relu", fn("torch.relu", ref(pick(tensors)))));
                case 3 -> tensors.add(add("add", fn("torch.add", ref(pick(tensors)) + ", " + ref(pick(tensors)))));
                case 4 -> sizeOf(add("size", method("size", ref(pick(tensors)))), RANK);
                case 5 -> ints.add(add("sym_size_int", fn("torch.ops.aten.sym_size.int", ref(pick(tensors)) + ", " + random.nextInt(RANK))));
                case 6 -> {
                    if (!sizes.isEmpty()) {
                        String size = pick(sizes);
                        ints.add(add("getitem", fn("operator.getitem", ref(size) + ", " + random.nextInt(lengths.get(size)))));
                    }
                }
                case 7 -> {
                    if (!sizes.isEmpty()) {
                        String size = pick(sizes);
                        int end = 1 + random.nextInt(RANK);
                        sizeOf(add("getitem", fn("operator.getitem", ref(size) + ", slice(None, " + end + ", None)")),
                                Math.min(end, lengths.get(size)));
                    }
                }
                case 8 -> {
                    if (!sizes.isEmpty()) {
                        String reshape = random.nextBoolean() ? "view" : "reshape";
                        tensors.add(add(reshape, method(reshape, ref(pick(tensors)) + ", " + ref(pick(sizes)))));
                    }
                }
                case 9 -> {
                    if (!ints.isEmpty()) {
                        String dims = random.nextBoolean() ? ref(pick(ints)) + ", -1" : "[" + ref(pick(ints)) + ", -1]";
                        tensors.add(add("view", method("view", ref(pick(tensors)) + ", " + dims)));
                    }
                }
                case 10 -> {
                    if (ints.size() > 1 && random.nextBoolean()) {
                        ints.add(add("mul", fn("operator.mul", ref(pick(ints)) + ", " + ref(pick(ints)))));
                    } else {
                        tuples.add(add("chunk", method("chunk", ref(pick(tensors)) + ", 2")));
                    }
                }
                case 11 -> {
                    if (!tuples.isEmpty()) {
                        tensors.add(add("getitem", fn("operator.getitem", ref(pick(tuples)) + ", " + random.nextInt(2))));
                    }
                }
                case 12 -> {
                    // An allocation alone between two splits, shaped like a value from before them: what vLLM's
                    // merge of empty allocations moves into the piece before.
                    String like = pick(tensors);
                    tensors.add(add("attn", fn(ATTN_TARGET, ref(pick(tensors)))));
                    String empty = add("empty_like", fn("torch.empty_like", ref(like)));
                    tensors.add(add("attn", fn(ATTN_TARGET, ref(empty))));
                }
                case 13 -> {
                    gradOff = !gradOff;
                    add("_set_grad_enabled", fn("torch._C._set_grad_enabled", gradOff ? "False" : "True"));
                }
                default -> {
                    if (!autocasts.isEmpty() && random.nextBoolean()) {
                        exitAutocast();
                    } else {
                        autocasts.add(add("_enter_autocast", fn("torch.amp.autocast_mode._enter_autocast", "cuda, torch.bfloat16, True, None")));
                    }
                }
            }
        }

        private void sizeOf(String name, int length) {
            sizes.add(name);
            lengths.put(name, length);
        }

        private void exitAutocast() {
            add("_exit_autocast", fn(EXIT_AUTOCAST, ref(autocasts.remove(autocasts.size() - 1))));
        }

        /** A node named as FX names it: the base, then base_1, base_2, ... */
        private String add(String base, String rightHandSide) {
            int n = counters.merge(base, 1, Integer::sum) - 1;
            String name = n == 0 ? base : base + "_" + n;
            lines.add(new String[] {name, rightHandSide});
            return name;
        }

        private String pick(List<String> values) {
            // Mostly recent values, as in a model, sometimes one from far back, so values cross several cuts.
            int bound = values.size();
            int back = random.nextInt(4) == 0 ? random.nextInt(bound) : random.nextInt(Math.min(bound, 3));
            return values.get(bound - 1 - back);
        }

        private static String ref(String name) {
            return "%" + name;
        }

        private static String fn(String target, String args) {
            return "call_function[target=" + target + "](args = (" + args + (args.contains(",") ? "" : ",") + "), kwargs = {})";
        }

        private static String method(String target, String args) {
            return "call_method[target=" + target + "](args = (" + args + (args.contains(",") ? "" : ",") + "), kwargs = {})";
        }

        private String print(List<String> returned) {
            Map<String, Integer> users = new HashMap<>();
            for (String[] line : lines) {
                countReferences(line[1], users);
            }
            new HashSet<>(returned).forEach(name -> users.merge(name, 1, Integer::sum)); // the output is one user
            StringBuilder text = new StringBuilder("graph():\n");
            for (String[] line : lines) {
                String rhs = line[1].equals("placeholder") ? "placeholder[target=" + line[0] + "]" : line[1];
                text.append("    %").append(line[0]).append(" : [num_users=").append(users.getOrDefault(line[0], 0))
                        .append("] = ").append(rhs).append('\n');
            }
            String outputs = String.join(", ", returned);
            text.append("    return (").append(outputs).append(returned.size() == 1 ? ",)" : ")").append('\n');
            return text.toString();
        }

        private static void countReferences(String rightHandSide, Map<String, Integer> users) {
            Set<String> seen = new HashSet<>();
            int at = rightHandSide.indexOf('%');
            while (at >= 0) {
                int end = at + 1;
                while (end < rightHandSide.length()
                        && (Character.isLetterOrDigit(rightHandSide.charAt(end)) || rightHandSide.charAt(end) == '_')) {
                    end++;
                }
                if (seen.add(rightHandSide.substring(at + 1, end))) {
                    users.merge(rightHandSide.substring(at + 1, end), 1, Integer::sum);
                }
                at = rightHandSide.indexOf('%', end);
            }
        }
    }
}
