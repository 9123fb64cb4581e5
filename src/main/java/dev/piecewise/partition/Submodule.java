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

    public static String nameOf(int graphId) {
        return "submod_" + graphId;
    }

    /** Inputs without the shape symbols split_module threads through (what an fx-text upload can report). */
    public List<SubmoduleValue> dataInputs() {
        return inputs.stream().filter(v -> !v.threaded()).toList();
    }
}
