package dev.piecewise.graph.format;

import dev.piecewise.graph.Graph;

/**
 * What an upload held: the graph chosen from it and how many graphs there were (a TORCH_LOGS excerpt may hold
 * several).
 *
 * @param splitView the submodules as vLLM made them, when the upload is an already split computation_graph.py;
 *                  null otherwise
 */
public record ParsedUpload(GraphFormat format, Graph graph, int graphCount, int graphIndex, SplitView splitView) {
}
