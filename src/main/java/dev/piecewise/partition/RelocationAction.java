package dev.piecewise.partition;

/** What a strategy or merge did to a node. */
public enum RelocationAction {
    /** A torch.Size replaced by its elements. */
    DECOMPOSED("decomposed"),
    /** A Size producer moved into the subgraph of its consumers. */
    MOVED("moved"),
    /** A Size producer cloned into each later subgraph that uses it. */
    DUPLICATED("duplicated"),
    /** A lone allocation merged into the previous subgraph (vLLM PRs #28044, #36595). */
    MERGED_EMPTY_ALLOCATION("merged-empty-allocation");

    private final String id;

    RelocationAction(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
