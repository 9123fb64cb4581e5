package dev.piecewise.partition;

import java.util.Arrays;
import java.util.stream.Collectors;

/** When an {@code operator.getitem} joins its producer's subgraph (src/docs/partitioning.md, "Subgraph ids" and "Options"). */
public enum GetitemRule {
    /** vLLM (PR #28533): every getitem whose input is not a placeholder, tensor slicing included. */
    VLLM("vllm"),
    /** Only getitems of a producer that returns a tuple or list. */
    TUPLE_ONLY("tuple-only"),
    /** Getitems are assigned like any other node. */
    OFF("off");

    private final String id;

    GetitemRule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static GetitemRule fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown getitemRule '" + id + "'; accepted values: " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(GetitemRule::id).collect(Collectors.joining(", "));
    }
}
