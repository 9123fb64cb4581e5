package dev.piecewise.graph.format;

import dev.piecewise.graph.Graph;

/** Turns an upload into a {@link Graph}, or throws {@link dev.piecewise.graph.GraphParseException} naming the position. */
public interface GraphParser {

    /**
     * @param text the whole upload
     * @param name the graph's name when the format does not carry one; may be null
     */
    Graph parse(String text, String name);
}
