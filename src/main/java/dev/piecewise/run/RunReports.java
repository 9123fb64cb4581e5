package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.graph.format.SplitView;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Puts a partition result and what is known of its upload into the run report. */
public final class RunReports {

    /** Custom ops a run that is not split names as likely splitting ops. */
    private static final int MAX_CANDIDATES = 10;

    private RunReports() {
    }

    static RunReport.Options options(PartitionOptions options) {
        return new RunReport.Options(options.splittingOps().names(), options.sizeStrategy(), options.getitemRule(),
                options.mergeConsecutiveSplits(), options.mergeEmptyAllocations());
    }

    static PartitionOptions partitionOptions(RunReport.Options o) {
        return new PartitionOptions(new SplittingOps(o.splittingOps()), o.sizeStrategy(), o.getitemRule(),
                o.mergeConsecutiveSplits(), o.mergeEmptyAllocations());
    }

    /** @param notes diagnostics about the upload itself (a trace's graph, whose splitting ops), before the partition's */
    public static RunReport report(String id, String name, Instant createdAt, PartitionOptions options, ParsedUpload upload,
                                   String sha256, long bytes, PartitionResult result, String compareGroup,
                                   List<Diagnostic> notes) {
        return report(id, name, createdAt, options, upload, sha256, bytes, result, compareGroup, notes,
                RepeatedPieces.find(result.submodules(), result.graph()));
    }

    /** @param repetition {@link RepeatedPieces#find} of the result, found beside the rest of the report */
    static RunReport report(String id, String name, Instant createdAt, PartitionOptions options, ParsedUpload upload,
                            String sha256, long bytes, PartitionResult result, String compareGroup,
                            List<Diagnostic> notes, RepeatedPieces.Repetition repetition) {
        Graph graph = upload.graph();
        boolean notSplit = graph.nodes().stream().noneMatch(options.splittingOps()::splitsAt);
        return new RunReport(id, name, createdAt, upload.format().id(), options(options),
                new RunReport.GraphInfo(graph.nodes().size(), sha256, bytes, graph.carriesShapes(), upload.graphCount(),
                        upload.graphIndex()),
                result.submodules(), result.emissionOrder(), result.relocations(), result.crossings(),
                result.createdNodesPlaced(),
                notes.isEmpty() ? result.diagnostics()
                        : java.util.stream.Stream.concat(notes.stream(), result.diagnostics().stream()).toList(),
                new RunReport.Verdict(result.outcome(), result.compilable(), result.error(), result.problems(),
                        result.suggestion() == null ? null : options(result.suggestion()), notSplit,
                        notSplit ? SplittingOps.customOpsCalled(graph.nodes(), MAX_CANDIDATES) : List.of()),
                upload.splitView() == null ? null : splitView(upload.splitView(), graph, options, result.submodules()),
                compareGroup, repetition);
    }

    /**
     * vLLM's submodules next to this run's: a piece is splitting when it holds a splitting op. Nodes vLLM created
     * itself (a trace's split names its size decomposition its own way) are not in the graph.
     */
    private static RunReport.SplitViewReport splitView(SplitView view, Graph graph, PartitionOptions options,
                                                       List<Submodule> ours) {
        List<Submodule> theirs = view.pieces().stream()
                .sorted(java.util.Comparator.comparingInt(SplitView.Piece::graphId))
                .map(p -> new Submodule(p.name(), p.graphId(),
                        p.nodes().stream().map(graph::node).anyMatch(n -> n != null && options.splittingOps().splitsAt(n)),
                        p.nodes(),
                        p.inputs().stream().map(v -> new SubmoduleValue(v.name(), v.kind(), false)).toList(),
                        p.outputs().stream().map(v -> new SubmoduleValue(v.name(), v.kind(), false)).toList()))
                .toList();
        List<String> differences = new java.util.ArrayList<>();
        Map<String, Submodule> byName = new java.util.HashMap<>();
        ours.forEach(s -> byName.put(s.name(), s));
        for (Submodule vllm : theirs) {
            Submodule mine = byName.remove(vllm.name());
            if (mine == null) {
                differences.add(vllm.name() + " is in the upload but not in this run");
                continue;
            }
            compare(differences, vllm.name() + " nodes", vllm.nodes(), mine.nodes());
            compare(differences, vllm.name() + " inputs", names(vllm.inputs()), names(mine.inputs()));
            compare(differences, vllm.name() + " outputs", names(vllm.outputs()), names(mine.outputs()));
        }
        byName.keySet().stream().sorted().forEach(n -> differences.add(n + " is in this run but not in the upload"));
        return new RunReport.SplitViewReport(theirs, differences.isEmpty(), differences);
    }

    private static List<String> names(List<SubmoduleValue> values) {
        return values.stream().map(SubmoduleValue::name).toList();
    }

    private static void compare(List<String> differences, String what, List<String> upload, List<String> run) {
        if (!upload.equals(run)) {
            differences.add(what + " differ: upload " + upload + ", this run " + run);
        }
    }
}
