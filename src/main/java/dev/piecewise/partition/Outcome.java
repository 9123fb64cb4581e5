package dev.piecewise.partition;

/** The verdict's outcome, in the fixtures' words. */
public enum Outcome {
    /** Every piece compiles. */
    OK("ok"),
    /** A non-splitting piece has a Size, tuple or list input or output. */
    AOT_FAILS("aot-fails"),
    /** vLLM's split_graph itself raises. */
    SPLIT_FAILS("split-fails"),
    /** The rewritten graph calls an op with a wrong signature. */
    BAD_CALL("bad-call");

    private final String id;

    Outcome(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Outcome fromId(String id) {
        for (Outcome o : values()) {
            if (o.id.equals(id)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + id + "'; accepted values: "
                + java.util.Arrays.stream(values()).map(Outcome::id).collect(java.util.stream.Collectors.joining(", ")));
    }
}
