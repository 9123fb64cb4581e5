package dev.piecewise.run;

import dev.piecewise.codegen.PythonSafety;
import dev.piecewise.codegen.SplitModuleCode;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.GraphIndexOutOfRangeException;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.limits.WorkDeadline;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates, reads and deletes runs. Parsing and partitioning happen before the transaction; the run and all it
 * reports are then stored in one transaction, so a failed request leaves nothing behind.
 */
@Service
public class RunService {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final RunRepository runs;
    private final TransactionTemplate transaction;
    private final RunMetrics metrics;
    private final Clock clock;

    RunService(RunRepository runs, TransactionTemplate transaction, RunMetrics metrics) {
        this.runs = runs;
        this.transaction = transaction;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /**
     * @param upload   the raw upload
     * @param fileName the uploaded file's name, or null for a raw body
     */
    public RunReport create(byte[] upload, String fileName, RunRequest request) {
        return create(upload, fileName, request, null, List.of(), null);
    }

    /**
     * Runs the upload under every option set of {@link PartitionOptions#whatIfSets} with the request's splitting
     * ops, as one group of runs.
     *
     * @return the runs, in the order of the option sets
     */
    public List<RunReport> compare(byte[] upload, String fileName, RunRequest request) {
        String group = UUID.randomUUID().toString();
        List<RunReport> runs = new java.util.ArrayList<>();
        for (PartitionOptions options : PartitionOptions.whatIfSets(request.options().splittingOps())) {
            runs.add(create(upload, fileName, new RunRequest(request.name(), request.format(), request.graphIndex(),
                    options), group, List.of(), null));
        }
        return runs;
    }

    /** Runs an existing run's upload under every option set, as a new group; the run itself stays as it is. */
    public List<RunReport> compare(String runId) {
        RunReport run = get(runId);
        byte[] upload = runs.findUpload(runId).orElseThrow(() -> new RunNotFoundException(runId))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RunRequest request = new RunRequest(run.name(), GraphFormat.fromOption(run.format()), run.graph().graphIndex(),
                RunReports.partitionOptions(run.options()));
        return compare(upload, null, request);
    }

    /** The runs of a comparison group in the order they were made. */
    public List<RunReport> group(String groupId) {
        return runs.groupMembers(groupId).stream().map(this::get).toList();
    }

    /**
     * @param compareGroup the group the run belongs to, or null
     * @param notes        diagnostics about the upload itself (which graph of a trace, whose splitting ops), listed
     *                     before the partition's own
     * @param read         the upload already read (one graph of a trace read once for all its graphs), or null to
     *                     read it here
     */
    RunReport create(byte[] upload, String fileName, RunRequest request, String compareGroup,
                     List<RunReport.DiagnosticView> notes, ParsedUpload read) {
        long start = System.nanoTime();
        String text = UploadText.decode(upload);
        GraphFormat format = request.format() != null ? request.format() : GraphFormat.detect(text);
        String defaultName = fileName != null && !fileName.isBlank() ? fileName : null;
        ParsedUpload parsedUpload = read;
        try {
            if (parsedUpload == null) {
                parsedUpload = format.read(text, defaultName, request.graphIndex());
            }
        } catch (GraphIndexOutOfRangeException badIndex) {
            throw new BadOptionException("graphIndex", badIndex.getMessage());
        }
        Graph graph = parsedUpload.graph();
        PythonSafety.requireWritable(graph); // the code of every run is served: nothing in it may run on import
        long parsed = System.nanoTime();
        WorkDeadline.check("after parsing");
        PartitionResult result = Partitioner.partition(graph, request.options());
        long partitioned = System.nanoTime();
        WorkDeadline.check("after partitioning");
        String name = request.name() != null ? request.name()
                : defaultName != null ? defaultName
                : graph.name() != null && !graph.name().isBlank() ? graph.name().trim() : "graph";
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        String sha = sha256(upload);
        RunReport report = RunReports.report(UUID.randomUUID().toString(), name,
                Instant.now(clock).truncatedTo(ChronoUnit.MICROS), request.options(), parsedUpload, sha,
                upload.length, result, compareGroup, notes);
        store(report, text);
        metrics.runCreated(result.outcome().id(), parsedUpload.format().id(), upload.length,
                java.time.Duration.ofNanos(partitioned - start));
        log.info("run {}: {} nodes ({} bytes, {}) parsed in {} ms, partitioned in {} ms, stored in {} ms: {}",
                report.id(), graph.nodes().size(), upload.length, format.id(), (parsed - start) / 1_000_000,
                (partitioned - parsed) / 1_000_000, (System.nanoTime() - partitioned) / 1_000_000, result.outcome().id());
        return report;
    }

    /**
     * Stores the upload in a short transaction of its own (a concurrent request may store the same text first:
     * then it is simply there), then the run and all it reports in one transaction. If that fails, an upload no
     * run uses is removed again, so a failed request leaves nothing behind.
     */
    private void store(RunReport report, String text) {
        String sha = report.graph().sha256();
        storeUpload(report, text);
        try {
            try {
                transaction.executeWithoutResult(status -> runs.save(report));
            } catch (DataIntegrityViolationException uploadDeletedMeanwhile) {
                // The last run of this upload was deleted between the two transactions: store it again, once.
                storeUpload(report, text);
                transaction.executeWithoutResult(status -> runs.save(report));
            }
        } catch (RuntimeException e) {
            transaction.executeWithoutResult(status -> runs.deleteUploadIfUnused(sha));
            throw e;
        }
    }

    private void storeUpload(RunReport report, String text) {
        try {
            transaction.executeWithoutResult(status ->
                    runs.saveUploadIfAbsent(report.graph().sha256(), text, report.graph().bytes(), report.createdAt()));
        } catch (DuplicateKeyException storedByAConcurrentRequest) {
            // the same text is there now, which is all this step needs
        }
    }

    public RunReport get(String id) {
        return runs.find(id).orElseThrow(() -> new RunNotFoundException(id));
    }

    public Optional<String> upload(String id) {
        return runs.findUpload(id);
    }

    /**
     * The run's split module as Python (what vLLM writes to computation_graph.py).
     *
     * @throws NoCodeException when split_module raises for this run
     */
    public String code(String id) {
        PartitionResult result = replay(get(id));
        if (result.graph() == null) {
            throw new NoCodeException("the split fails for this run (" + result.error() + "), so there is no split module");
        }
        return SplitModuleCode.render(result);
    }

    /**
     * Partitions a stored run's upload again with its options, for what the run does not store (every node's op,
     * target and kind, the code): partitioning is deterministic and linear, so this costs less than storing it.
     */
    public PartitionResult replay(RunReport run) {
        String text = runs.findUpload(run.id()).orElseThrow(() -> new RunNotFoundException(run.id()));
        ParsedUpload upload = GraphFormat.fromOption(run.format()).read(text, run.name(), run.graph().graphIndex());
        return Partitioner.partitionOnce(upload.graph(), RunReports.partitionOptions(run.options()));
    }

    public RunReport.Page page(RunFilter filter, int page, int size) {
        return runs.page(filter, page, size);
    }

    public void delete(String id) {
        Boolean deleted = transaction.execute(status -> runs.delete(id));
        if (!Boolean.TRUE.equals(deleted)) {
            throw new RunNotFoundException(id);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
