package dev.piecewise.graph;

/** An upload that is not a well-formed FX graph; line and column are 1-based positions in the upload. */
public class GraphParseException extends RuntimeException {

    private final int line;
    private final int column;

    public GraphParseException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    @Override
    public String getMessage() {
        return "line " + line + ", column " + column + ": " + super.getMessage();
    }

    public String reason() {
        return super.getMessage();
    }
}
