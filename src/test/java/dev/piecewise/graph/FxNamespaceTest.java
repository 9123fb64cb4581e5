package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Names as torch.fx's _Namespace.create_name hands them out. */
class FxNamespaceTest {

    private static FxNamespace with(String... names) {
        FxNamespace ns = new FxNamespace();
        for (String n : names) {
            assertThat(ns.create(n)).isEqualTo(n);
        }
        return ns;
    }

    @Test
    void suffixesCountFromTheHighestSeen() {
        FxNamespace ns = with("output", "output_1", "output_7");
        assertThat(ns.create("output")).isEqualTo("output_8");
        assertThat(ns.create("output")).isEqualTo("output_9");
    }

    /** Python's ints have no bound: the number after the largest int is counted on, not wrapped. */
    @Test
    void numbersCountOnPastTheLargestInt() {
        FxNamespace ns = with("x", "x_2147483647");
        assertThat(ns.create("x")).isEqualTo("x_2147483648");
        assertThat(ns.create("x_2147483647")).isEqualTo("x_2147483649");
        List<Node> nodes = List.of(new Node("sym_size_int", Op.PLACEHOLDER, "s", List.of(), java.util.Map.of(), null,
                        ValueInfo.of(ValueKind.SYMINT), null),
                new Node("sym_size_int_2147483647", Op.PLACEHOLDER, "t", List.of(), java.util.Map.of(), null,
                        ValueInfo.of(ValueKind.SYMINT), null));
        assertThat(FxNamespace.of(Graph.trusted("g", nodes, false)).create("sym_size_int"))
                .isEqualTo("sym_size_int_2147483648");
    }

    /** Reading a graph's names through its index gives the names registering every one of them gives. */
    @Test
    void aGraphsNamesCountAsRegisteredWithoutCopyingThem() {
        List<String> names = List.of("x", "size", "size_7", "size_1", "add", "sym_size_int_2", "getitem", "getitem_01",
                "add_x_3", "output_3", "output");
        List<Node> nodes = new java.util.ArrayList<>();
        for (String name : names) {
            nodes.add(new Node(name, name.equals("output") ? Op.OUTPUT : Op.PLACEHOLDER, name, List.of(),
                    java.util.Map.of(), null, ValueInfo.of(ValueKind.TENSOR), null));
        }
        FxNamespace registered = FxNamespace.of(nodes);
        FxNamespace indexed = FxNamespace.of(Graph.trusted("g", nodes, false));
        List<String> candidates = List.of("size", "size", "sym_size_int", "sym_size_int", "add", "getitem", "size_1",
                "add_x", "x", "output", "new_name", "size_9", "size");
        for (String candidate : candidates) {
            assertThat(indexed.create(candidate)).as(candidate).isEqualTo(registered.create(candidate));
        }
        // FX keeps the count of the last name registered, not the highest: size_1 came after size_7.
        assertThat(FxNamespace.of(Graph.trusted("g", nodes, false)).create("size")).isEqualTo("size_2");
    }

    /** A large graph's names of a base read ahead on another core count as when read on demand. */
    @Test
    void namesReadAheadCountAsNamesReadOnDemand() {
        List<Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < Graph.HALVES_FROM; i++) {
            // sym_size_int_5 last: FX's count is the last one's, not the largest (sym_size_int_9)
            String name = i == 100 ? "sym_size_int_9" : i == Graph.HALVES_FROM - 2 ? "sym_size_int_5"
                    : i == Graph.HALVES_FROM - 1 ? "output" : "x_" + i;
            nodes.add(new Node(name, name.equals("output") ? Op.OUTPUT : Op.PLACEHOLDER, name, List.of(),
                    java.util.Map.of(), null, ValueInfo.of(ValueKind.TENSOR), null));
        }
        Graph graph = Graph.trusted("g", nodes, false);
        FxNamespace onDemand = FxNamespace.of(graph);
        FxNamespace ahead = FxNamespace.of(graph);
        ahead.readAhead("sym_size_int");
        ahead.readAhead("x");
        List<String> made = new java.util.ArrayList<>();
        for (String candidate : List.of("sym_size_int", "sym_size_int", "sym_size_int", "sym_size_int", "sym_size_int",
                "x", "x_1")) {
            String name = ahead.create(candidate);
            assertThat(name).as(candidate).isEqualTo(onDemand.create(candidate));
            made.add(name);
        }
        // FX: a free name is taken as it is; then the count goes on from the last graph name's number, past names
        // taken (x_1 ... x_99 are, x_100 is not).
        assertThat(made).containsExactly("sym_size_int", "sym_size_int_6", "sym_size_int_7", "sym_size_int_8",
                "sym_size_int_10", "x", "x_100");
    }

    /** torch.fx's create_name transcribed literally (legal names only): it tries every number in turn. */
    private static final class LiteralFx {
        private final java.util.Set<String> used = new java.util.HashSet<>();
        private final java.util.Map<String, Integer> baseCount = new java.util.HashMap<>();

        String create(String candidate) {
            java.util.regex.Matcher match = java.util.regex.Pattern.compile("(.*)_(\\d+)$").matcher(candidate);
            String base = candidate;
            int num = 0;
            if (match.matches()) {
                base = match.group(1);
                num = Integer.parseInt(match.group(2));
                candidate = base + "_" + num;
            }
            if (num == 0) {
                num = baseCount.getOrDefault(base, 0);
            }
            while (used.contains(candidate)) {
                num++;
                candidate = base + "_" + num;
            }
            used.add(candidate);
            baseCount.put(base, num);
            return candidate;
        }
    }

    /**
     * The duplicate strategy copies every {@code size_N} of a deep model: each copy takes the first free number
     * after its own, which FX finds by trying them all. The names are FX's, from the namespace that registers
     * names and from the one that reads a graph's index, in an order that mixes runs of taken numbers.
     */
    @Test
    void copiesOfManyNumberedNodesGetFxsNamesInLinearTime() {
        List<Node> nodes = new java.util.ArrayList<>();
        LiteralFx literal = new LiteralFx();
        for (int i = 0; i < 3_000; i++) {
            String name = i == 0 ? "size" : "size_" + i;
            literal.create(name);
            nodes.add(new Node(name, Op.PLACEHOLDER, name, List.of(), java.util.Map.of(), null,
                    ValueInfo.of(ValueKind.TENSOR), null));
        }
        FxNamespace indexed = FxNamespace.of(Graph.trusted("g", nodes, false));
        FxNamespace registered = FxNamespace.of(nodes);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 6_000; i++) {
            int pick = random.nextInt(5);
            String candidate = pick == 0 ? "size" : pick == 1 ? "size_" + (i / 2) : "size_" + random.nextInt(9_000);
            String expected = literal.create(candidate);
            assertThat(indexed.create(candidate)).as(candidate).isEqualTo(expected);
            assertThat(registered.create(candidate)).as(candidate).isEqualTo(expected);
        }
    }

    @Test
    void numberedCandidatesKeepTheirNumberWhenFree() {
        FxNamespace ns = with("size", "size_2");
        assertThat(ns.create("size_2")).isEqualTo("size_3");
        assertThat(ns.create("size_5")).isEqualTo("size_5");
        assertThat(ns.create("sym_size_int")).isEqualTo("sym_size_int");
        assertThat(ns.create("sym_size_int")).isEqualTo("sym_size_int_1");
    }

    @Test
    void illegalCharactersAndLeadingDigitsAreReplaced() {
        FxNamespace ns = new FxNamespace();
        assertThat(ns.create("a.b-c")).isEqualTo("a_b_c");
        assertThat(ns.create("1x")).isEqualTo("_1x");
    }

    @Test
    void targetNames() {
        assertThat(List.of("torch.ops.aten.sym_size.int", "torch.ops.aten.add.default", "torch.relu", "size")
                .stream().map(FxNamespace::nameForTarget))
                .containsExactly("sym_size_int", "add", "relu", "size");
    }
}
