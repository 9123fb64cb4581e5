package dev.piecewise.graph.archive;

/**
 * A file of an archive that holds graphs: a TORCH_TRACE log (one per rank) or a vLLM cache's
 * {@code computation_graph.py}.
 *
 * @param path    the entry's path in the archive
 * @param rank    the rank the path names ({@code 0} from a trace log's name, {@code 0_1} from a cache's
 *                {@code rank_0_1/}), or null
 * @param prefix  the vLLM cache's model prefix directory ({@code backbone}), or null for a trace log
 * @param siblings the cache files beside a computation_graph.py ({@code transformed_code_0.py}, ...)
 */
public record ArchiveGraph(Kind kind, String path, String rank, String prefix, byte[] content,
                           java.util.List<String> siblings) {

    public enum Kind { TRACE_LOG, COMPUTATION_GRAPH }

    /** The rank and prefix (or the file name), to name the runs. */
    public String label() {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return (rank == null ? "" : "rank " + rank + " ") + (prefix == null ? file : prefix + " " + file);
    }
}
