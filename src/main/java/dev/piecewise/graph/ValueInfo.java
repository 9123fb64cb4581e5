package dev.piecewise.graph;

import java.util.List;

/**
 * What is known of a node's value: its kind and, when the upload carried it, the tensor's shape and dtype,
 * a scalar's expression ({@code s77}, {@code 2*s77}), a Size's dims or a tuple's items.
 *
 * @param shape   tensor shape or Size dims as printed ({@code "s77"}, {@code "32"}); null when unknown
 * @param expr    the value of a scalar (symbolic or not); null when unknown
 * @param items   elements of a tuple or list; null when unknown
 * @param guessed true when the kind was inferred by a rule that can be wrong (no metadata in the upload)
 */
public record ValueInfo(ValueKind kind, List<String> shape, String dtype, String expr, List<ValueInfo> items,
                        boolean guessed) {

    public ValueInfo {
        shape = shape == null ? null : List.copyOf(shape);
        items = items == null ? null : List.copyOf(items);
    }

    public static ValueInfo of(ValueKind kind) {
        return KNOWN[kind.ordinal()];
    }

    public static ValueInfo guess(ValueKind kind) {
        return GUESSED[kind.ordinal()];
    }

    /** A value that is only a kind is shared: most nodes of a graph without metadata carry one of these. */
    private static final ValueInfo[] KNOWN = java.util.Arrays.stream(ValueKind.values())
            .map(k -> new ValueInfo(k, null, null, null, null, false)).toArray(ValueInfo[]::new);
    private static final ValueInfo[] GUESSED = java.util.Arrays.stream(ValueKind.values())
            .map(k -> new ValueInfo(k, null, null, null, null, true)).toArray(ValueInfo[]::new);

    public static ValueInfo symInt(String expr) {
        return new ValueInfo(ValueKind.SYMINT, null, null, expr, null, false);
    }

    /** The symbols a value's shape or expression mentions, the ones split_module threads into submodules. */
    public List<String> freeSymbols() {
        return Symbols.freeSymbols(this);
    }
}
