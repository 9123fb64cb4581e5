package dev.piecewise.partition;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How torch.Size values are kept from crossing a cut (src/docs/partitioning.md, "Options"). */
public enum SizeStrategy {
    /** vLLM today: decompose {@code x.size()} into {@code sym_size.int} nodes and literals, failures included. */
    DECOMPOSE("decompose"),
    /** No size handling: the Size crosses. */
    NONE("none"),
    /** A corrected decomposition: every Size-valued node becomes a list of its elements, wherever it is used. */
    DECOMPOSE_LIST("decompose-list"),
    /** Move a Size producer whose users are all later into the earliest of their subgraphs. */
    MOVE_TO_CONSUMER("move-to-consumer"),
    /** Move only when all users sit in one later subgraph. */
    MOVE_SINGLE_CONSUMER("move-single-consumer"),
    /** Clone the Size producer into every later subgraph that uses it. */
    DUPLICATE("duplicate");

    private final String id;

    SizeStrategy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static SizeStrategy fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown sizeStrategy '" + id + "'; accepted values: " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(SizeStrategy::id).collect(Collectors.joining(", "));
    }
}
