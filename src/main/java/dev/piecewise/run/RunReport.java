package dev.piecewise.run;

import java.time.Instant;
import java.util.List;

/** A stored run exactly as the API returns it (api.md, "The run"). */
/**
 * @param compareGroup the runs made together to compare option sets share this id; null for a single run
 */
public record RunReport(String id, String name, Instant createdAt, String format, Options options, GraphInfo graph,
                        List<SubmoduleView> submodules, List<String> emissionOrder, List<RelocationView> relocations,
                        List<CrossingView> crossings, List<CreatedNodeView> createdNodes,
                        List<DiagnosticView> diagnostics, Verdict verdict, SplitViewReport splitView,
                        String compareGroup) {

    public record Options(List<String> splittingOps, String sizeStrategy, String getitemRule,
                          boolean mergeConsecutiveSplits, boolean mergeEmptyAllocations) {
    }

    /**
     * @param shapesKnown    whether the upload carried shapes, so inputs include split_module's threaded symbols
     * @param graphsInUpload how many graphs the upload held (a TORCH_LOGS excerpt may hold several)
     * @param graphIndex     which of them this run partitioned
     */
    public record GraphInfo(int nodeCount, String sha256, long bytes, boolean shapesKnown, int graphsInUpload,
                            int graphIndex) {
    }

    /**
     * An already split upload (vLLM's computation_graph.py): its submodules as vLLM made them, and whether
     * partitioning the inlined graph again gives the same cut.
     *
     * @param differences what differs between vLLM's submodules and this run's, one line each
     */
    public record SplitViewReport(List<SubmoduleView> submodules, boolean sameAsRepartition, List<String> differences) {
    }

    public record ValueView(String name, String kind, boolean threaded) {
    }

    public record SubmoduleView(String name, int graphId, boolean splitting, List<String> nodes,
                                List<ValueView> inputs, List<ValueView> outputs) {
    }

    public record RelocationView(String node, String action, List<String> into, String from, String to) {
    }

    public record CrossingView(String value, String kind, String producer, List<String> consumers, boolean kindGuessed) {
    }

    public record CreatedNodeView(String name, String target, String kind, String submodule) {
    }

    public record DiagnosticView(String severity, String code, String message, String node, String submodule) {
    }

    public record ProblemView(String submodule, String value, String kind, String direction, String producer,
                              List<String> consumers, String error) {
    }

    /**
     * @param summary    the verdict in one or two sentences, for people reading curl output
     * @param suggestion an option set that compiles when this one does not, or null
     */
    public record Verdict(String outcome, boolean compilable, String summary, String error, List<ProblemView> problems,
                          Options suggestion) {

        public Verdict(String outcome, boolean compilable, String error, List<ProblemView> problems, Options suggestion) {
            this(outcome, compilable, summarize(outcome, error, problems, suggestion), error, problems, suggestion);
        }

        private static String summarize(String outcome, String error, List<ProblemView> problems, Options suggestion) {
            String fix = suggestion == null ? "" : " With sizeStrategy=" + suggestion.sizeStrategy() + " and getitemRule="
                    + suggestion.getitemRule() + " every piece compiles.";
            switch (outcome) {
                case "ok":
                    return "Every piece compiles: no torch.Size, tuple or list crosses into or out of a compiled submodule.";
                case "split-fails":
                    return "vLLM's split_graph itself fails: " + error + "." + fix;
                case "bad-call":
                    return "The size decomposition rewrites a call into one with a wrong signature: " + error + "." + fix;
                default:
                    StringBuilder sb = new StringBuilder("Not every piece compiles:");
                    problems.stream().filter(p -> p.direction().equals("output")).limit(3).forEach(p ->
                            sb.append(" ").append(p.value()).append(" (").append(p.kind()).append(") leaves ")
                                    .append(p.submodule()).append(" for ").append(String.join(", ", p.consumers()))
                                    .append(";"));
                    problems.stream().filter(p -> p.direction().equals("input")).limit(3).forEach(p ->
                            sb.append(" ").append(p.submodule()).append(" takes ").append(p.value()).append(" (")
                                    .append(p.kind()).append(") from ").append(p.producer()).append(";"));
                    sb.setLength(sb.length() - 1);
                    return sb.append(". AOTAutograd raises '").append(problems.get(0).error()).append("'.").append(fix).toString();
            }
        }
    }

    /** One line of the run history. */
    public record Summary(String id, String name, Instant createdAt, String format, int nodeCount, int submoduleCount,
                          String outcome, boolean compilable, String sizeStrategy, String getitemRule) {
    }

    public record Page(List<Summary> items, int page, int size, long total) {
    }
}
