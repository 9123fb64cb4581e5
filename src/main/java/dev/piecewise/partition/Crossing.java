package dev.piecewise.partition;

import dev.piecewise.graph.ValueKind;

import java.util.List;

/**
 * A value that leaves the submodule that computes it.
 *
 * @param producer  the submodule that computes it
 * @param consumers the submodules that take it as input, and {@code output} when the graph returns it
 */
public record Crossing(String value, ValueKind kind, String producer, List<String> consumers, boolean kindGuessed) {

    public Crossing {
        consumers = List.copyOf(consumers);
    }
}
