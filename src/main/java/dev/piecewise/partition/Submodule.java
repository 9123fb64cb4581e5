package dev.piecewise.partition;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One piece of the split graph, as {@code torch.fx.passes.split_module} builds it.
 *
 * @param nodes  the submodule's nodes in its graph's order, the {@code copies} among them
 * @param copies grad-mode and autocast nodes split_module adds to this submodule, and attributes it fetches under
 *               another node's name; none in reports stored before
 *               copies were reported, or for pieces read from an upload
 */
public record Submodule(String name, int graphId, boolean splitting, List<String> nodes, List<SubmoduleValue> inputs,
                        List<SubmoduleValue> outputs, List<GlobalStateCopy> copies) {

    public Submodule {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        copies = copies == null ? List.of() : List.copyOf(copies);
    }

    /** A submodule whose copies are not known. */
    public Submodule(String name, int graphId, boolean splitting, List<String> nodes, List<SubmoduleValue> inputs,
                     List<SubmoduleValue> outputs) {
        this(name, graphId, splitting, nodes, inputs, outputs, List.of());
    }

    /**
     * Names made once per id and shared: a report names a submodule for every crossing and consumer. Filled as
     * ids come; two threads racing on one slot store equal strings, which is harmless.
     */
    private static final String[] NAMES = new String[1 << 18];

    public static String nameOf(int graphId) {
        if (graphId < 0 || graphId >= NAMES.length) {
            return "submod_" + graphId;
        }
        String name = NAMES[graphId];
        if (name == null) {
            name = "submod_" + graphId;
            NAMES[graphId] = name;
        }
        return name;
    }

    /** The nodes of the input graph placed here: {@link #nodes()} without the copies. */
    public List<String> originalNodes() {
        if (copies.isEmpty()) {
            return nodes;
        }
        Set<String> copyNames = new HashSet<>();
        copies.forEach(c -> copyNames.add(c.name()));
        return nodes.stream().filter(n -> !copyNames.contains(n)).toList();
    }

    /** Inputs without the shape symbols split_module threads through (what an fx-text upload can report). */
    public List<SubmoduleValue> dataInputs() {
        return inputs.stream().filter(v -> !v.threaded()).toList();
    }
}
