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
