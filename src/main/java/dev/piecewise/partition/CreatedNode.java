package dev.piecewise.partition;

import dev.piecewise.graph.ValueKind;

/**
 * A node a strategy created (sym_size nodes, clones).
 *
 * @param submodule where it landed; null when the split fails
 */
public record CreatedNode(String name, String target, ValueKind kind, String submodule) {
}
