package dev.piecewise.partition;

import java.util.List;
import java.util.Map;

/**
 * A node a strategy or merge moved, decomposed or cloned.
 *
 * @param into nodes created in its place (decompositions and clones), else empty
 * @param from submodule before; null for a decomposition of a run whose split fails (it never got one)
 * @param to   submodule after; null like {@code from}
 */
public record Relocation(String node, RelocationAction action, List<String> into, String from, String to) {

    public Relocation {
        into = List.copyOf(into);
    }

    static Relocation moved(String node, int from, int to) {
        return new Relocation(node, RelocationAction.MOVED, List.of(), Submodule.nameOf(from), Submodule.nameOf(to));
    }

    static Relocation duplicated(String node, List<String> clones, int from, int firstTarget) {
        return new Relocation(node, RelocationAction.DUPLICATED, clones, Submodule.nameOf(from),
                Submodule.nameOf(firstTarget));
    }

    static Relocation mergedEmptyAllocation(String node, int from, int to) {
        return new Relocation(node, RelocationAction.MERGED_EMPTY_ALLOCATION, List.of(), Submodule.nameOf(from),
                Submodule.nameOf(to));
    }

    /** Decompositions run before assignment: {@link #placed} reports them where their first new node lands. */
    static Relocation decomposed(String node, List<String> into) {
        return new Relocation(node, RelocationAction.DECOMPOSED, into, null, null);
    }

    Relocation placed(Map<String, Integer> assignment) {
        if (from != null || into.isEmpty()) {
            return this;
        }
        Integer id = assignment.get(into.get(0));
        String submodule = id == null ? null : Submodule.nameOf(id);
        return new Relocation(node, action, into, submodule, submodule);
    }
}
