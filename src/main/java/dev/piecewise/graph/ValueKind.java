package dev.piecewise.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a node's value is at run time, as far as crossing a submodule boundary is concerned. */
public enum ValueKind {
    TENSOR, SYMINT, SYMFLOAT, SYMBOOL, INT, FLOAT, BOOL, SIZE, TUPLE, LIST, NONE;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() {
        return id;
    }

    /** Sizes, tuples and lists are containers; AOTAutograd rejects them as submodule inputs or outputs. */
    public boolean isContainer() {
        return this == SIZE || this == TUPLE || this == LIST;
    }

    public boolean isSymbolicScalar() {
        return this == SYMINT || this == SYMFLOAT || this == SYMBOOL;
    }

    public static ValueKind fromId(String id) {
        for (ValueKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown value kind '" + id + "'; expected one of " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(ValueKind::id).collect(Collectors.joining(", "));
    }
}
