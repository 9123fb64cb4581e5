package dev.piecewise.run;

import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.Submodule;

import java.time.Instant;
import java.util.List;

/**
 * A run without node lists ({@code GET /api/runs/{id}?fields=summary}): what a harness that only needs the
 * verdict reads, a few kilobytes even for a huge graph's run.
 */
public record RunOverview(String id, String name, Instant createdAt, String format, RunReport.Options options,
                          RunReport.GraphInfo graph, List<SubmoduleCounts> submodules, List<String> emissionOrder,
                          List<Crossing> crossings, RunReport.Verdict verdict, String compareGroup,
                          RepeatedPieces.Repetition repetition, RunLinks links) {

    public record SubmoduleCounts(String name, int graphId, boolean splitting, int nodeCount, int inputCount,
                                  int outputCount) {
    }

    static RunOverview of(RunReport run) {
        return new RunOverview(run.id(), run.name(), run.createdAt(), run.format(), run.options(), run.graph(),
                run.submodules().stream().map(RunOverview::counts).toList(), run.emissionOrder(), run.crossings(),
                run.verdict(), run.compareGroup(), run.repetition(), RunLinks.of(run.id(), run.verdict().outcome()));
    }

    private static SubmoduleCounts counts(Submodule s) {
        return new SubmoduleCounts(s.name(), s.graphId(), s.splitting(), s.nodes().size(), s.inputs().size(),
                s.outputs().size());
    }
}
