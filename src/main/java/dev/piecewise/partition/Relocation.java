package dev.piecewise.partition;

import java.util.List;

/**
 * A node a strategy or merge moved, decomposed or cloned.
 *
 * @param action {@code decomposed}, {@code moved}, {@code duplicated} or {@code merged-empty-allocation}
 * @param into   nodes created in its place (decompositions and clones), else empty
 * @param from   subgraph id before; null when not yet assigned (decompositions run before assignment)
 * @param to     subgraph id after; null when not yet assigned
 */
public record Relocation(String node, String action, List<String> into, Integer from, Integer to) {

    public Relocation {
        into = List.copyOf(into);
    }
}
