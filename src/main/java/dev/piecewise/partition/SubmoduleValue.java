package dev.piecewise.partition;

import dev.piecewise.graph.ValueKind;

/**
 * An input or output of a submodule.
 *
 * @param threaded true for an input split_module added only because a shape symbol of another input needs it
 */
public record SubmoduleValue(String name, ValueKind kind, boolean threaded) {
}
