package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.graph.format.SplitView;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Relocation;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Turns a partition result into the API's run report. */
final class RunReports {

    private RunReports() {
    }

    static RunReport.Options options(PartitionOptions options) {
        return new RunReport.Options(options.splittingOps().names(), options.sizeStrategy().id(),
                options.getitemRule().id(), options.mergeConsecutiveSplits(), options.mergeEmptyAllocations());
    }

    static PartitionOptions partitionOptions(RunReport.Options o) {
        return new PartitionOptions(new SplittingOps(o.splittingOps()), SizeStrategy.fromId(o.sizeStrategy()),
                GetitemRule.fromId(o.getitemRule()), o.mergeConsecutiveSplits(), o.mergeEmptyAllocations());
    }

    static RunReport report(String id, String name, Instant createdAt, PartitionOptions options, ParsedUpload upload,
                            String sha256, long bytes, PartitionResult result, String compareGroup,
                            List<RunReport.DiagnosticView> notes) {
        Map<String, Integer> assignment = result.assignment();
        Graph graph = upload.graph();
        List<RunReport.SubmoduleView> submodules = result.submodules().stream().map(RunReports::submodule).toList();
        return new RunReport(id, name, createdAt, upload.format().id(), options(options),
                new RunReport.GraphInfo(graph.nodes().size(), sha256, bytes, graph.carriesShapes(), upload.graphCount(),
                        upload.graphIndex()),
                submodules,
                result.emissionOrder(),
                result.relocations().stream().map(r -> relocation(r, assignment)).toList(),
                result.crossings().stream().map(c -> new RunReport.CrossingView(c.value(), c.kind().id(), c.producer(),
                        c.consumers(), c.kindGuessed())).toList(),
                result.createdNodes().stream().map(n -> createdNode(n, assignment)).toList(),
                java.util.stream.Stream.concat(notes.stream(), result.diagnostics().stream().map(d ->
                        new RunReport.DiagnosticView(d.severity().id(), d.code(), d.message(), d.node(), d.submodule())))
                        .toList(),
                new RunReport.Verdict(result.outcome().id(), result.compilable(), result.error(),
                        result.problems().stream().map(p -> new RunReport.ProblemView(p.submodule(), p.value(),
                                p.kind() == null ? null : p.kind().id(), p.direction(), p.producer(), p.consumers(),
                                p.error())).toList(),
                        result.suggestion() == null ? null : options(result.suggestion())),
                upload.splitView() == null ? null : splitView(upload.splitView(), graph, options, submodules),
                compareGroup);
    }

    /**
     * vLLM's submodules next to this run's: a piece is splitting when it holds a splitting op. Nodes vLLM created
     * itself (a trace's split names its size decomposition its own way) are not in the graph.
     */
    private static RunReport.SplitViewReport splitView(SplitView view, Graph graph, PartitionOptions options,
                                                       List<RunReport.SubmoduleView> ours) {
        List<RunReport.SubmoduleView> theirs = view.pieces().stream()
                .sorted(java.util.Comparator.comparingInt(SplitView.Piece::graphId))
                .map(p -> new RunReport.SubmoduleView(p.name(), p.graphId(),
                        p.nodes().stream().map(graph::node).anyMatch(n -> n != null && options.splittingOps().splitsAt(n)),
                        p.nodes(),
                        p.inputs().stream().map(v -> new RunReport.ValueView(v.name(), v.kind().id(), false)).toList(),
                        p.outputs().stream().map(v -> new RunReport.ValueView(v.name(), v.kind().id(), false)).toList()))
                .toList();
        List<String> differences = new java.util.ArrayList<>();
        Map<String, RunReport.SubmoduleView> byName = new java.util.HashMap<>();
        ours.forEach(s -> byName.put(s.name(), s));
        for (RunReport.SubmoduleView vllm : theirs) {
            RunReport.SubmoduleView mine = byName.remove(vllm.name());
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

    private static List<String> names(List<RunReport.ValueView> values) {
        return values.stream().map(RunReport.ValueView::name).toList();
    }

    private static void compare(List<String> differences, String what, List<String> upload, List<String> run) {
        if (!upload.equals(run)) {
            differences.add(what + " differ: upload " + upload + ", this run " + run);
        }
    }

    private static RunReport.SubmoduleView submodule(Submodule s) {
        return new RunReport.SubmoduleView(s.name(), s.graphId(), s.splitting(), s.nodes(), values(s.inputs()),
                values(s.outputs()));
    }

    private static List<RunReport.ValueView> values(List<SubmoduleValue> values) {
        return values.stream().map(v -> new RunReport.ValueView(v.name(), v.kind().id(), v.threaded())).toList();
    }

    /** Decompositions happen before assignment; they are reported in the submodule their first new node landed in. */
    private static RunReport.RelocationView relocation(Relocation r, Map<String, Integer> assignment) {
        Integer from = r.from();
        Integer to = r.to();
        if (from == null && !r.into().isEmpty()) {
            from = assignment.get(r.into().get(0));
            to = from;
        }
        return new RunReport.RelocationView(r.node(), r.action(), r.into(), submoduleName(from), submoduleName(to));
    }

    private static RunReport.CreatedNodeView createdNode(Node n, Map<String, Integer> assignment) {
        return new RunReport.CreatedNodeView(n.name(), n.target(), n.kind().id(), submoduleName(assignment.get(n.name())));
    }

    private static String submoduleName(Integer id) {
        return id == null ? null : Submodule.nameOf(id);
    }
}
