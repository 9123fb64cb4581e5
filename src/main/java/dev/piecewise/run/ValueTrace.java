package dev.piecewise.run;

import dev.piecewise.graph.ValueKind;

import java.util.List;

/**
 * A value a problem names, traced back to the user's model: the node that computes it and the nodes that use it,
 * each with the Python source line FX recorded for it ({@code # File:} comments, fx-json's {@code source}).
 *
 * @param value     the offending node's name
 * @param producer  the node computing it
 * @param consumers the nodes using it, in graph order, at most {@link ValueTraces#MAX_CONSUMERS}
 */
public record ValueTrace(String value, Site producer, List<Site> consumers) {

    public ValueTrace {
        consumers = List.copyOf(consumers);
    }

    /**
     * One node and where it sits.
     *
     * @param submodule the submodule holding it; null for a graph input
     * @param source    as FX printed it ({@code model.py:112 in forward, code: orig_shape = x.shape}); null when
     *                  the upload carries none
     * @param shape     the tensor's shape or the Size's dims; null when unknown
     * @param dtype     null when unknown
     */
    public record Site(String node, String submodule, String target, ValueKind kind, List<String> shape, String dtype,
                       String source) {

        public Site {
            shape = shape == null ? null : List.copyOf(shape);
        }

        /** {@code model.py:112 in forward} of the source; null without one. */
        public String location() {
            if (source == null) {
                return null;
            }
            int code = source.indexOf(", code: ");
            return code < 0 ? source : source.substring(0, code);
        }

        /** The line of Python, {@code orig_shape = x.shape}; null when the source does not quote it. */
        public String code() {
            int code = source == null ? -1 : source.indexOf(", code: ");
            return code < 0 ? null : source.substring(code + ", code: ".length());
        }

        /** {@code f32[s77, 32]}, {@code [s77, 32]} for a Size; null when neither shape nor dtype is known. */
        public String type() {
            if (shape == null && dtype == null) {
                return null;
            }
            return (dtype == null ? "" : dtype) + (shape == null ? "" : "[" + String.join(", ", shape) + "]");
        }
    }
}
