package dev.piecewise.run;

import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.archive.ArchiveGraph;
import dev.piecewise.graph.archive.ArchiveLimits;
import dev.piecewise.graph.archive.GraphArchive;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParseLimits;
import dev.piecewise.graph.trace.TraceGraph;
import dev.piecewise.graph.trace.TraceLog;
import dev.piecewise.graph.trace.TraceUpload;
import dev.piecewise.limits.LimitsProperties;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.SplittingOps;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.util.unit.DataSize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns an upload into runs: a graph file gives one run; a TORCH_TRACE log gives the run of the graph chosen by
 * {@code compileId} (or one run per graph, as a group, for {@code compileId=all}); a .zip or .tar.gz gives one run
 * per graph found, as a group. Trace runs use the splitting ops of the log's vLLM config when the request names
 * none, and say so.
 */
@Service
public class UploadRuns {

    /** The runs one upload made; {@code group} is null for a single run. */
    /** @param runJson a single run's JSON as stored, for the answer; null for groups */
    public record Created(List<RunReport> runs, String group, RunJsonParts runJson) {
        Created(List<RunReport> runs, String group) {
            this(runs, group, null);
        }

        public boolean single() {
            return group == null;
        }
    }

    private final RunService service;
    private final ArchiveLimits archiveLimits;
    private final ParseLimits parseLimits;

    UploadRuns(RunService service, @Value("${piecewise.archive.max-entries}") int maxEntries,
               @Value("${piecewise.archive.max-uncompressed-size}") DataSize maxUncompressed, LimitsProperties limits) {
        this.service = service;
        this.archiveLimits = new ArchiveLimits(maxEntries, maxUncompressed.toBytes());
        this.parseLimits = limits.parseLimits();
    }

    /**
     * @param params the request's options, {@code compileId} included
     * @param next what the request does with a single run next: what of it is kept
     */
    public Created create(byte[] upload, String fileName, Map<String, String> params, RunService.Next next) {
        RunRequest request = RunRequest.fromParameters(params);
        String compileId = params.get("compileId") == null || params.get("compileId").isBlank() ? null
                : params.get("compileId").trim();
        boolean opsGiven = params.get("splittingOps") != null && !params.get("splittingOps").isBlank();
        if (GraphArchive.isArchive(upload)) {
            return archive(upload, request, compileId, opsGiven);
        }
        GraphFormat format = request.format() != null ? request.format() : detect(upload);
        if (format != GraphFormat.TORCH_TRACE) {
            if (compileId != null) {
                throw new BadOptionException("compileId", "compileId chooses a graph of a TORCH_TRACE log; this upload is "
                        + format.id());
            }
            // Told once: the service does not detect it again.
            RunService.CreatedRun created = service.createWithJson(upload, fileName,
                    new RunRequest(request.name(), format, request.graphIndex(), request.options()), next);
            return new Created(List.of(created.run()), null, created.json());
        }
        TraceLog log = TraceLog.read(UploadText.decode(upload));
        List<TraceGraph> chosen = choose(log, compileId, request.graphIndex());
        String group = chosen.size() > 1 ? UUID.randomUUID().toString() : null;
        List<RunReport> runs = new ArrayList<>();
        allOrNothing(runs, () -> {
            for (TraceGraph graph : chosen) {
                runs.add(traceRun(upload, fileName, null, request, log, graph, opsGiven, group));
            }
        });
        return new Created(runs, group);
    }

    /**
     * The run {@link #create} would make of a graph file, made, inserted in a transaction that is rolled back, and
     * answered: an upload rehearsed through the container before the port opens
     * ({@link dev.piecewise.web.HttpRehearsal}).
     */
    Created rehearse(byte[] upload, Map<String, String> params, RunService.Next next) {
        RunService.CreatedRun run = service.rehearseRolledBack(upload, RunRequest.fromParameters(params), next);
        return new Created(List.of(run.run()), null, run.json());
    }

    /**
     * The upload's format, told from its first 64 KB when they tell it (a complete first line), so that a large
     * graph is not decoded here and then again to be parsed, nor held decoded while it is partitioned.
     */
    private static GraphFormat detect(byte[] upload) {
        if (upload.length > UploadText.HEAD) {
            String head = UploadText.head(upload);
            String start = head.stripLeading();
            if (start.indexOf('\n') > 0) {
                try {
                    return GraphFormat.detect(head);
                } catch (GraphParseException notInTheHead) {
                    // the whole upload may still tell (a 'def forward(' further on)
                }
            }
        }
        return GraphFormat.detect(UploadText.decode(upload));
    }

    private static List<TraceGraph> choose(TraceLog log, String compileId, int graphIndex) {
        if (log.graphs().isEmpty()) {
            throw new GraphParseException("the trace holds no dynamo_output_graph entry with a payload; was the model "
                    + "compiled while TORCH_TRACE was set?", 1, 1);
        }
        if (compileId == null) {
            if (graphIndex >= log.graphs().size()) {
                throw new BadOptionException("graphIndex", "graphIndex " + graphIndex + " is out of range: the trace holds "
                        + log.graphs().size() + " graphs (" + ids(log) + ")");
            }
            return List.of(log.graphs().get(graphIndex));
        }
        if (compileId.equals("all")) {
            return log.graphs();
        }
        return List.of(log.find(compileId).orElseThrow(() -> new BadOptionException("compileId",
                "no graph with compileId '" + compileId + "' in the trace; accepted values: all, " + ids(log))));
    }

    private RunReport traceRun(byte[] upload, String fileName, String label, RunRequest request, TraceLog log,
                               TraceGraph graph, boolean opsGiven, String group) {
        List<Diagnostic> notes = new ArrayList<>();
        notes.add(note("trace-graph", "Dynamo graph " + graph.compileId().id() + " (attempt " + graph.compileId().attempt()
                + (graph.compileId().rank() == null ? "" : ", rank " + graph.compileId().rank()) + "), graph "
                + (graph.index() + 1) + " of " + log.graphs().size() + " in the trace: " + ids(log)
                + ". Choose another with compileId, or compileId=all for every graph."));
        PartitionOptions options = request.options();
        if (!opsGiven && graph.splittingOps() != null) {
            options = new PartitionOptions(new SplittingOps(graph.splittingOps()), options.sizeStrategy(),
                    options.getitemRule(), options.mergeConsecutiveSplits(), options.mergeEmptyAllocations());
            notes.add(note("splitting-ops-from-trace", graph.splittingOps().isEmpty()
                    ? "No splittingOps given, and the trace's vllm_compilation_config splits at none: the graph stays one piece."
                    : "No splittingOps given: using the " + graph.splittingOps().size() + " splitting ops of the trace's "
                    + "vllm_compilation_config (" + String.join(", ", graph.splittingOps()) + ")."));
        } else if (!opsGiven) {
            notes.add(note("splitting-ops-default", "No splittingOps given and the trace holds no vllm_compilation_config:"
                    + " using vLLM's default splitting ops."));
        }
        if (graph.vllmSplit() == null) {
            notes.add(note("no-vllm-split", "The trace holds no vllm_piecewise_split_graph for " + graph.compileId().id()
                    + ", so there is no vLLM split to compare with."));
        }
        if (graph.index() > 0 && log.graphs().get(graph.index() - 1).breakReason() != null) {
            TraceGraph before = log.graphs().get(graph.index() - 1);
            notes.add(note("graph-break-before", "This graph resumes after the graph break that ended "
                    + before.compileId().id() + ": " + before.breakSummary()));
        }
        if (graph.breakReason() != null) {
            TraceGraph after = graph.index() + 1 < log.graphs().size() ? log.graphs().get(graph.index() + 1) : null;
            notes.add(note("graph-break-after", "This graph ends at a graph break"
                    + (after == null ? "" : "; " + after.compileId().id() + " resumes after it") + ": "
                    + graph.breakSummary()));
        }
        String name = request.name() != null ? request.name()
                : (label != null ? label : fileName != null && !fileName.isBlank() ? fileName : "trace") + " "
                + graph.compileId().id();
        return service.create(upload, fileName, new RunRequest(name.length() > 200 ? name.substring(0, 200) : name,
                GraphFormat.TORCH_TRACE, graph.index(), options), group, notes, TraceUpload.read(log, graph, fileName, parseLimits));
    }

    private Created archive(byte[] upload, RunRequest request, String compileId, boolean opsGiven) {
        List<ArchiveGraph> files = GraphArchive.read(upload, archiveLimits);
        if (files.isEmpty()) {
            throw new GraphParseException("the archive holds no TORCH_TRACE log and no rank_<i>_<j>/<prefix>/"
                    + "computation_graph.py", 1, 1);
        }
        String group = UUID.randomUUID().toString();
        List<RunReport> runs = new ArrayList<>();
        allOrNothing(runs, () -> archiveRuns(files, request, compileId, opsGiven, group, runs));
        return new Created(runs, group);
    }

    private void archiveRuns(List<ArchiveGraph> files, RunRequest request, String compileId, boolean opsGiven,
                             String group, List<RunReport> runs) {
        for (ArchiveGraph file : files) {
            try {
                if (file.kind() == ArchiveGraph.Kind.TRACE_LOG) {
                    TraceLog log = TraceLog.read(UploadText.decode(file.content()));
                    for (TraceGraph graph : choose(log, compileId == null ? "all" : compileId, 0)) {
                        runs.add(traceRun(file.content(), file.path(), file.label(), request, log, graph, opsGiven, group));
                    }
                } else {
                    List<Diagnostic> notes = List.of(note("vllm-cache", "vLLM cache "
                            + (file.rank() == null ? "" : "rank " + file.rank() + ", ") + "prefix " + file.prefix()
                            + (file.siblings().isEmpty() ? "" : "; beside it: " + String.join(", ", file.siblings()))
                            + "."));
                    runs.add(service.create(file.content(), file.path(), new RunRequest(
                            request.name() != null ? request.name() : file.label(), request.format(), 0,
                            request.options()), group, notes, null));
                }
            } catch (GraphParseException e) {
                throw new GraphParseException(file.path() + ": " + e.reason(), e.line(), e.column());
            }
        }
    }

    /** A request that fails part-way removes the runs it already stored: a failed request leaves nothing behind. */
    private void allOrNothing(List<RunReport> runs, Runnable create) {
        try {
            create.run();
        } catch (RuntimeException e) {
            runs.forEach(r -> service.delete(r.id()));
            throw e;
        }
    }

    private static String ids(TraceLog log) {
        return log.graphs().stream().map(g -> g.compileId().id()).collect(Collectors.joining(", "));
    }

    private static Diagnostic note(String code, String message) {
        return Diagnostic.info(code, message, null, null);
    }
}
