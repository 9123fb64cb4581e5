package dev.piecewise.partition;

import java.util.List;
import java.util.stream.Collectors;

/** Why vLLM's split_graph raises instead of splitting; {@link #message} is the first line PyTorch prints. */
public sealed interface SplitError {

    String message();

    /** split_module calls submodules in first-appearance order; one needs a value a later one computes. */
    record ValueNotYetEmitted(String value) implements SplitError {
        public String message() {
            return "KeyError: '" + value + "'";
        }
    }

    /** A shape symbol of a submodule input that no node binds. */
    record UnboundSymbol(String symbol) implements SplitError {
        public String message() {
            return "KeyError: " + symbol;
        }
    }

    /** Two submodules need values from each other. */
    record PartitionCycle() implements SplitError {
        public String message() {
            return "RuntimeError: cycle exists between partitions!";
        }
    }

    /** An autocast region is entered and never left. */
    record AutocastNotExited() implements SplitError {
        public String message() {
            return "AssertionError: autocast must exit";
        }
    }

    /** A grad-mode or autocast region spans subgraph ids that decrease along the graph. */
    record GlobalStateOrder(int highest, int id) implements SplitError {
        public String message() {
            return "AssertionError: autocast or set_grad_enabled require monotonically increasing partitions: "
                    + "highest: " + highest + ", this node's: " + id;
        }
    }

    /** vLLM's decomposition asserts a literal int index on every getitem of a size(). */
    record NonLiteralSizeIndex(String indexType, String indexRepr) implements SplitError {
        public String message() {
            return "AssertionError: Expected literal int index for getitem on size(), got " + indexType + ": " + indexRepr;
        }
    }

    /** vLLM erases a decomposed size() while calls it could not rewrite still use it. */
    record SizeStillUsed(String size, List<String> users) implements SplitError {
        public String message() {
            return "RuntimeError: Tried to erase Node " + size + " but it still had " + users.size()
                    + " users in the graph: {" + users.stream().map(u -> u + ": None").collect(Collectors.joining(", "))
                    + "}!";
        }
    }
}
