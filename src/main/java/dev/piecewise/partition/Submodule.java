package dev.piecewise.partition;

import java.util.List;

/** One piece of the split graph, as {@code torch.fx.passes.split_module} builds it. */
public record Submodule(String name, int graphId, boolean splitting, List<String> nodes, List<SubmoduleValue> inputs,
                        List<SubmoduleValue> outputs) {

    public Submodule {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
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

    /** Inputs without the shape symbols split_module threads through (what an fx-text upload can report). */
    public List<SubmoduleValue> dataInputs() {
        return inputs.stream().filter(v -> !v.threaded()).toList();
    }
}
