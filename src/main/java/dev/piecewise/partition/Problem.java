package dev.piecewise.partition;

import dev.piecewise.graph.ValueKind;

import java.util.List;

/**
 * Why a run does not compile or split: a non-flat value at a submodule boundary, a failing rewrite or a
 * split_module error, with the message PyTorch raises.
 *
 * @param direction {@code input}, {@code output}, {@code split} or {@code call}
 */
public record Problem(String submodule, String value, ValueKind kind, String direction, String producer,
                      List<String> consumers, String error) {

    public Problem {
        consumers = consumers == null ? List.of() : List.copyOf(consumers);
    }
}
