package dev.piecewise.run;

import dev.piecewise.partition.CreatedNode;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.ProblemDirection;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.Relocation;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.Submodule;

import java.time.Instant;
import java.util.List;

/**
 * A stored run exactly as the API returns it (src/docs/architecture.md): the partition's own records, serialized
 * by {@link RunJson}, which writes every enum as its id.
 *
 * @param compareGroup the runs made together to compare option sets share this id; null for a single run
 * @param repetition   the submodules that are the same graph; null when the split failed and for runs stored
 *                     before it was computed
 */
public record RunReport(String id, String name, Instant createdAt, String format, Options options, GraphInfo graph,
                        List<Submodule> submodules, List<String> emissionOrder, List<Relocation> relocations,
                        List<Crossing> crossings, List<CreatedNode> createdNodes,
                        List<Diagnostic> diagnostics, Verdict verdict, SplitViewReport splitView,
                        String compareGroup, RepeatedPieces.Repetition repetition) {

    public record Options(List<String> splittingOps, SizeStrategy sizeStrategy, GetitemRule getitemRule,
                          boolean mergeConsecutiveSplits, boolean mergeEmptyAllocations) {

        /** The same choices apart from the splitting ops: what a comparison varies. */
        public boolean sameChoices(Options other) {
            return sizeStrategy == other.sizeStrategy && getitemRule == other.getitemRule
                    && mergeConsecutiveSplits == other.mergeConsecutiveSplits
                    && mergeEmptyAllocations == other.mergeEmptyAllocations;
        }

        /** Whether these are vLLM's choices today (src/docs/partitioning.md, "Options"). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isVllmToday() {
            return sameChoices(RunReports.options(PartitionOptions.vllmDefaults(new SplittingOps(splittingOps))));
        }
    }

    /** The same run as a member of {@code group}. */
    RunReport withRepetition(RepeatedPieces.Repetition found) {
        return new RunReport(id, name, createdAt, format, options, graph, submodules, emissionOrder, relocations,
                crossings, createdNodes, diagnostics, verdict, splitView, compareGroup, found);
    }

    RunReport inGroup(String group) {
        return new RunReport(id, name, createdAt, format, options, graph, submodules, emissionOrder, relocations,
                crossings, createdNodes, diagnostics, verdict, splitView, group, repetition);
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
    public record SplitViewReport(List<Submodule> submodules, boolean sameAsRepartition, List<String> differences) {
    }

    /**
     * @param summary                the verdict in one or two sentences, for people reading curl output
     * @param error                  the first line PyTorch raises for split-fails and bad-call, else null
     * @param suggestion             an option set that compiles when this one does not, or null
     * @param notSplit               no node matches the splitting ops, so the graph is one piece: it "compiles"
     *                               only because vLLM would not cut it (false for runs stored before this was kept)
     * @param splittingOpCandidates  for a run not split, the custom ops the graph calls (the likely splitting
     *                               ops, as {@code ns::op}); else empty
     */
    public record Verdict(Outcome outcome, boolean compilable, String summary, String error, List<Problem> problems,
                          Options suggestion, boolean notSplit, List<String> splittingOpCandidates) {

        public Verdict {
            splittingOpCandidates = splittingOpCandidates == null ? List.of() : List.copyOf(splittingOpCandidates);
        }

        public Verdict(Outcome outcome, boolean compilable, String error, List<Problem> problems, Options suggestion,
                       boolean notSplit, List<String> splittingOpCandidates) {
            this(outcome, compilable, summarize(outcome, error, problems, suggestion, notSplit, splittingOpCandidates),
                    error, problems, suggestion, notSplit, splittingOpCandidates);
        }

        private static String summarize(Outcome outcome, String error, List<Problem> problems, Options suggestion,
                                        boolean notSplit, List<String> candidates) {
            if (notSplit && outcome == Outcome.OK) {
                return "Not split: no node matches the splitting ops, so the graph stays one piece and nothing "
                        + "crosses a cut." + (candidates.isEmpty() ? "" : " The graph calls "
                        + String.join(", ", candidates) + ": pass the splitting ones as splittingOps.");
            }
            String fix = suggestion == null ? "" : " With sizeStrategy=" + suggestion.sizeStrategy().id()
                    + " and getitemRule=" + suggestion.getitemRule().id() + " every piece compiles.";
            switch (outcome) {
                case OK:
                    return "Every piece compiles: no torch.Size, tuple or list crosses into or out of a compiled submodule.";
                case SPLIT_FAILS:
                    return "vLLM's split_graph itself fails: " + error + "." + fix;
                case BAD_CALL:
                    return "The size decomposition rewrites a call into one with a wrong signature: " + error + "." + fix;
                default:
                    StringBuilder sb = new StringBuilder("Not every piece compiles:");
                    problems.stream().filter(p -> p.direction() == ProblemDirection.OUTPUT).limit(3).forEach(p ->
                            sb.append(" ").append(p.value()).append(" (").append(p.kind().id()).append(") leaves ")
                                    .append(p.submodule()).append(" for ").append(String.join(", ", p.consumers()))
                                    .append(";"));
                    problems.stream().filter(p -> p.direction() == ProblemDirection.INPUT).limit(3).forEach(p ->
                            sb.append(" ").append(p.submodule()).append(" takes ").append(p.value()).append(" (")
                                    .append(p.kind().id()).append(") from ").append(p.producer()).append(";"));
                    sb.setLength(sb.length() - 1);
                    return sb.append(". AOTAutograd raises '").append(problems.get(0).error()).append("'.").append(fix).toString();
            }
        }
    }

    /**
     * One line of the run history, read from the indexed columns alone.
     *
     * @param splittingOps           null, like both merge flags, for runs stored before the history kept them
     * @param notSplit               no splitting op matched ({@link Verdict#notSplit})
     */
    public record Summary(String id, String name, Instant createdAt, String format, int nodeCount, int submoduleCount,
                          Outcome outcome, boolean compilable, SizeStrategy sizeStrategy, GetitemRule getitemRule,
                          List<String> splittingOps, Boolean mergeConsecutiveSplits, Boolean mergeEmptyAllocations,
                          boolean notSplit, RunLinks links) {

        /** The splitting ops in a table cell: vLLM's defaults by that name, else the first and how many more. */
        public String splittingOpsBrief() {
            if (splittingOps == null) {
                return null;
            }
            if (splittingOps.equals(dev.piecewise.partition.SplittingOps.VLLM_DEFAULTS)) {
                return "vLLM's defaults";
            }
            return splittingOps.get(0) + (splittingOps.size() > 1 ? " +" + (splittingOps.size() - 1) : "");
        }
    }

    public record Page(List<Summary> items, int page, int size, long total) {
    }
}
