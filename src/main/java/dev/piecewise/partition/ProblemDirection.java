package dev.piecewise.partition;

/** Where a problem sits: at a submodule boundary, in the split itself, or in a rewritten call. */
public enum ProblemDirection {
    /** A non-flat value enters a compiled submodule. */
    INPUT("input"),
    /** A non-flat value leaves a compiled submodule. */
    OUTPUT("output"),
    /** vLLM's split_graph raises. */
    SPLIT("split"),
    /** The size decomposition made a call with a wrong signature. */
    CALL("call");

    private final String id;

    ProblemDirection(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Inputs and outputs cross a submodule boundary from a producer to consumers. */
    public boolean crossesBoundary() {
        return this == INPUT || this == OUTPUT;
    }
}
