package dev.piecewise.graph.format;

/** A graph index beyond the graphs an upload holds; the message says how many there are. */
public class GraphIndexOutOfRangeException extends IllegalArgumentException {

    public GraphIndexOutOfRangeException(String message) {
        super(message);
    }
}
