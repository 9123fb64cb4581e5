package dev.piecewise.graph.trace;

import java.util.List;

/**
 * One Dynamo output graph of a trace with what vLLM and Dynamo logged about the same compilation.
 *
 * @param index        the graph's position among the trace's output graphs, from 0 (the run's {@code graphIndex})
 * @param readable     the {@code print_readable()} text of {@code dynamo_output_graph}
 * @param readableLine the log line its first line is on
 * @param vllmSplit    vLLM's split of the graph ({@code vllm_piecewise_split_graph}), or null when not logged
 * @param splittingOps the splitting ops of the {@code vllm_compilation_config} that applies (empty when it splits at
 *                     nothing), or null when none applies
 * @param breakReason  the graph break that ended this graph's frame, or null when the frame ended normally
 */
public record TraceGraph(int index, CompileId compileId, String readable, int readableLine, String vllmSplit,
                         int vllmSplitLine, List<String> splittingOps, String breakReason) {

    /** Where and why the graph broke: the reason's first paragraph and the explanation, without hints and traceback. */
    public String breakSummary() {
        if (breakReason == null) {
            return null;
        }
        List<String> kept = new java.util.ArrayList<>();
        boolean firstParagraph = true;
        for (String line : breakReason.split("\n")) {
            String t = line.trim();
            if (t.isEmpty()) {
                firstParagraph = kept.isEmpty();
            } else if (firstParagraph) {
                kept.add(t);
            } else if (t.startsWith("Explanation:")) {
                kept.add(t);
                break;
            }
        }
        return String.join(" ", kept);
    }
}
