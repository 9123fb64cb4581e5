package dev.piecewise.run;

import dev.piecewise.partition.Submodule;

import java.util.List;

/**
 * The rows of one submodule a run page shows: a graph that no splitting op cuts is one submodule of every node, so
 * a page shows a window of at most {@link #ROWS} of them, with links to the windows before and after.
 *
 * @param from  the first row shown (0-based)
 * @param to    one past the last row shown
 * @param total the submodule's nodes
 */
public record NodeWindow(int from, int to, int total) {

    static final int ROWS = 500;

    /**
     * Inputs, outputs and relocations a submodule lists at most; the verdict above names every offending value
     * anyway, and the API answer has them all.
     */
    static final int VALUES = 200;

    /**
     * @param requestedFrom the first row asked for (any number: it is clamped and rounded down to a window)
     * @param foundAt       the row of a search match in this submodule, or -1; it decides the window when given
     */
    static NodeWindow of(Submodule submodule, int requestedFrom, int foundAt) {
        int total = submodule.nodes().size();
        int from = foundAt >= 0 ? foundAt : Math.min(Math.max(0, requestedFrom), Math.max(0, total - 1));
        from = from / ROWS * ROWS;
        return new NodeWindow(from, Math.min(total, from + ROWS), total);
    }

    public List<String> nodes(Submodule submodule) {
        return submodule.nodes().subList(from, to);
    }

    public boolean partial() {
        return from > 0 || to < total;
    }

    public boolean hasPrevious() {
        return from > 0;
    }

    public boolean hasNext() {
        return to < total;
    }
}
