package dev.piecewise.graph.trace;

/**
 * One entry of a TORCH_TRACE log: what its JSON envelope says it is, and the payload lines that followed it.
 *
 * @param type        the envelope's entry type (its first key that is not metadata), e.g. {@code dynamo_output_graph}
 * @param name        the {@code name} of an {@code artifact} or {@code graph_dump} entry, else null
 * @param compileId   null for entries outside a compilation
 * @param payload     the payload with the leading tab of each line removed, or null when there is none
 * @param payloadLine the 1-based line of the payload's first line in the log
 */
public record TraceEntry(String type, String name, CompileId compileId, String payload, int payloadLine) {

    /** Whether this entry is {@code kind}: its type, or the name of an artifact or graph dump. */
    public boolean is(String kind) {
        return kind.equals(type) || kind.equals(name);
    }
}
