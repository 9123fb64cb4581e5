package dev.piecewise.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.SplittingOps;

import java.util.Comparator;
import java.util.List;

/**
 * One option set of a comparison as the compare page shows it, from the run's verdict alone: a few hundred bytes
 * however large the graph, so the page of a 100k-node graph's comparison stays small.
 *
 * @param problemCount  every problem of the run
 * @param firstProblems the first {@link #PROBLEMS_SHOWN} of them, as "value (kind) direction of submodule"
 * @param error         PyTorch's error cut to {@link #ERROR_SHOWN} characters, or null
 */
record ComparisonRow(String id, RunReport.Options options, boolean vllmToday, Outcome outcome, boolean compilable,
                     int submoduleCount, int problemCount, List<String> firstProblems, String error,
                     boolean errorCut) {

    static final int PROBLEMS_SHOWN = 3;
    static final int ERROR_SHOWN = 200;

    /**
     * What a row is made of, read from a stored run without its node lists, for runs stored before documents began
     * with their {@link RunOutline} ({@link RunDocuments#reportRow}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReportParts(String id, RunReport.Options options, List<Named> submodules, RunReport.Verdict verdict) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Named(String name) {
    }

    static ComparisonRow of(ReportParts run) {
        return of(run.id(), run.options(), run.submodules().size(), run.verdict());
    }

    static ComparisonRow of(RunReport run) {
        return of(run.id(), run.options(), run.submodules().size(), run.verdict());
    }

    private static ComparisonRow of(String id, RunReport.Options options, int submoduleCount, RunReport.Verdict verdict) {
        List<String> first = verdict.problems().stream().filter(p -> p.value() != null).limit(PROBLEMS_SHOWN)
                .map(p -> p.value() + " (" + p.kind().id() + ") " + p.direction().id() + " of " + p.submodule())
                .toList();
        String error = verdict.error();
        boolean cut = error != null && error.length() > ERROR_SHOWN;
        return new ComparisonRow(id, options, options.isVllmToday(), verdict.outcome(),
                verdict.compilable(), submoduleCount, verdict.problems().size(), first,
                cut ? error.substring(0, ERROR_SHOWN) : error, cut);
    }

    /** Rows in the order of {@link PartitionOptions#whatIfSets}, vLLM today first; other option sets last. */
    static Comparator<ComparisonRow> inWhatIfOrder(List<String> splittingOps) {
        List<RunReport.Options> sets = PartitionOptions.whatIfSets(new SplittingOps(splittingOps)).stream()
                .map(RunReports::options).toList();
        return Comparator.comparingInt(row -> {
            for (int i = 0; i < sets.size(); i++) {
                if (sets.get(i).sameChoices(row.options())) {
                    return i;
                }
            }
            return sets.size();
        });
    }
}
