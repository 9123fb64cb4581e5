package dev.piecewise.partition;

import dev.piecewise.graph.ValueKind;

import java.util.List;

/**
 * Why a run does not compile or split: a non-flat value at a submodule boundary, a failing rewrite or a
 * split_module error, with the message PyTorch raises. Fields a direction has no use for are null: a split
 * failure names no value, and a bad call is found before submodules exist.
 */
public record Problem(String submodule, String value, ValueKind kind, ProblemDirection direction, String producer,
                      List<String> consumers, String error) {

    public Problem {
        consumers = List.copyOf(consumers);
    }

    static Problem splitFailure(SplitError error) {
        return new Problem(null, null, null, ProblemDirection.SPLIT, null, List.of(), error.message());
    }

    static Problem input(String submodule, SubmoduleValue input, String producer, String error) {
        return new Problem(submodule, input.name(), input.kind(), ProblemDirection.INPUT, producer, List.of(submodule),
                error);
    }

    static Problem output(String submodule, SubmoduleValue output, List<String> consumers, String error) {
        return new Problem(submodule, output.name(), output.kind(), ProblemDirection.OUTPUT, submodule, consumers,
                error);
    }

    /** {@code call} now takes the elements of {@code size} where its signature does not allow them. */
    static Problem badCall(String call, String size, String error) {
        return new Problem(null, call, ValueKind.SIZE, ProblemDirection.CALL, size, List.of(call), error);
    }

    Problem inSubmodule(String name) {
        return new Problem(name, value, kind, direction, producer, consumers, error);
    }
}
