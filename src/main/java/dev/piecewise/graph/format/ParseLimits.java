package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;

/**
 * Bounds every parser keeps to, so a hostile upload is a parse error rather than a stack overflow or an
 * out-of-memory: brackets (or JSON containers) nested deeper than {@code maxNestingDepth}, and graphs of more
 * than {@code maxNodes} nodes, are rejected. See src/docs/formats.md ("Limits").
 *
 * @param maxNestingDepth how deep parentheses, brackets, braces and JSON arrays/objects may nest
 * @param maxNodes        how many nodes one graph may hold
 */
public record ParseLimits(int maxNestingDepth, int maxNodes) {

    public static final int DEFAULT_MAX_NESTING_DEPTH = 256;
    public static final int DEFAULT_MAX_NODES = 2_000_000;
    public static final ParseLimits DEFAULTS = new ParseLimits(DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_NODES);

    public ParseLimits {
        if (maxNestingDepth < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("parse limits must be positive: maxNestingDepth=" + maxNestingDepth
                    + ", maxNodes=" + maxNodes);
        }
    }

    GraphParseException tooDeep(int line, int column) {
        return new GraphParseException("nesting deeper than " + maxNestingDepth + " levels (setting "
                + "piecewise.limits.max-nesting-depth)", line, column);
    }

    GraphParseException tooManyNodes(int line, int column) {
        return new GraphParseException("more than " + maxNodes + " nodes (setting piecewise.limits.max-nodes)",
                line, column);
    }
}
