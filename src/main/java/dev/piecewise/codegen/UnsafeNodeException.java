package dev.piecewise.codegen;

/** A node that cannot be written as Python without running something other than what FX would: names the node. */
public class UnsafeNodeException extends RuntimeException {

    private final String node;

    UnsafeNodeException(String node, String message) {
        super(message);
        this.node = node;
    }

    public String node() {
        return node;
    }
}
