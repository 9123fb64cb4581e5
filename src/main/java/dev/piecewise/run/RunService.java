package dev.piecewise.run;

import dev.piecewise.codegen.PythonSafety;
import dev.piecewise.codegen.SplitModuleCode;
import dev.piecewise.concurrent.Futures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.GraphIndexOutOfRangeException;
import dev.piecewise.graph.format.ParseLimits;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.limits.LimitsProperties;
import dev.piecewise.limits.WorkBudget;
import dev.piecewise.limits.WorkDeadline;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.Outcomes;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.Submodule;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.UUID;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Creates, reads and deletes runs. Parsing, partitioning and encoding happen before the transaction; each run is
 * then stored as one row with its document (src/docs/architecture.md), so a failed request leaves nothing behind.
 */
@Service
public class RunService {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final RunRepository runs;
    private final TransactionTemplate transaction;
    private final RunMetrics metrics;
    private final WorkBudget budget;
    private final ParseLimits parseLimits;
    private final Clock clock;
    private final ExecutorService comparisons;
    /**
     * Work a request does on another core while its own thread partitions: the upload's hash and safety check,
     * the repeated pieces. Bounded like {@link #comparisons}; its tasks never wait on anything, so they cannot
     * deadlock with the threads that wait for them.
     */
    private final ExecutorService beside;
    /** Waits for the partitions of comparisons started from the pages; a few at a time, the rest queue. */
    private final ExecutorService coordinators;
    private final Map<String, ComparisonProgress> comparing = new ConcurrentHashMap<>();
    /** Completed when a comparison started here is stored or has failed ({@link #awaitComparison}). */
    private final Map<String, CompletableFuture<Void>> finishing = new ConcurrentHashMap<>();
    /** The comparisons under way by {@link #comparisonKey}, so a second click finds the first one's group. */
    private final Map<String, String> comparingByKey = new ConcurrentHashMap<>();
    /**
     * Decoded runs, so paging a 100k-node run costs one decode, not one a page: an eighth of the heap's worth of
     * them (a decoded run holds about 420 bytes a node), so a small heap is not filled by one huge run.
     */
    private final RecentRuns recentRuns = new RecentRuns(Runtime.getRuntime().maxMemory() / 8 / 420);

    RunService(RunRepository runs, TransactionTemplate transaction, RunMetrics metrics, LimitsProperties limits,
               WorkBudget budget) {
        this.runs = runs;
        this.budget = budget;
        this.parseLimits = limits.parseLimits();
        this.transaction = transaction;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
        // Bounded: a comparison may use every core but never more threads than cores, whatever arrives at once.
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.comparisons = Executors.newFixedThreadPool(threads, daemon("piecewise-compare"));
        this.coordinators = Executors.newFixedThreadPool(2, daemon("piecewise-comparison"));
        this.beside = Executors.newFixedThreadPool(threads, daemon("piecewise-beside"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @PreDestroy
    void shutdown() {
        coordinators.shutdownNow();
        comparisons.shutdownNow();
        beside.shutdownNow();
    }

    /**
     * @param upload   the raw upload
     * @param fileName the uploaded file's name, or null for a raw body
     */
    public RunReport create(byte[] upload, String fileName, RunRequest request) {
        return create(upload, fileName, request, null, List.of(), null);
    }

    /**
     * @param compareGroup the group the run belongs to, or null
     * @param notes        diagnostics about the upload itself (which graph of a trace, whose splitting ops), listed
     *                     before the partition's own
     * @param read         the upload already read (one graph of a trace read once for all its graphs), or null to
     *                     read it here
     */
    RunReport create(byte[] upload, String fileName, RunRequest request, String compareGroup, List<Diagnostic> notes,
                     ParsedUpload read) {
        return make(upload, fileName, request, compareGroup, notes, read, Next.COMPRESSED_JSON).report();
    }

    /**
     * A run and its JSON as stored, so the answer to the request that made it writes those bytes rather than
     * serializing the run a second time.
     */
    record CreatedRun(RunReport run, RunJsonParts json) {
    }

    /** What the request that makes a run does with it next, so that just what that needs is kept. */
    enum Next {
        /**
         * Opens the run's page (an upload from the browser): the document is kept decoded for it, rather than
         * decoded again from the store.
         */
        VIEW,
        /** Answers with the run's JSON. */
        JSON,
        /**
         * Answers with the run's JSON compressed, or with less: its plain bytes (150 MB at a million nodes) are let
         * go once compressed, before the run is stored.
         */
        COMPRESSED_JSON
    }

    /** As {@link #create(byte[], String, RunRequest)}, with the run's JSON as {@code next} needs it. */
    CreatedRun createWithJson(byte[] upload, String fileName, RunRequest request, Next next) {
        Prepared run = make(upload, fileName, request, null, List.of(), null, next);
        return new CreatedRun(run.report(), run.runJson());
    }

    private Prepared make(byte[] upload, String fileName, RunRequest request, String compareGroup,
                          List<Diagnostic> notes, ParsedUpload read, Next next) {
        Upload parsed = parse(upload, null, null, fileName, request, read, false);
        Prepared run = prepare(parsed, request.options(), compareGroup, now(), new Outcomes(), new SharedParts(beside),
                notes, next == Next.VIEW);
        created(parsed, run);
        if (next != Next.JSON) {
            run = run.withCompressedJsonOnly();
        }
        store(parsed, run.report().createdAt(), List.of(CompletableFuture.completedFuture(run)), () -> { });
        // Kept decoded only for a run whose page opens next: most runs are posted by harnesses and never viewed, and
        // keeping each new run's document alive would make the collector copy it out of the young generation
        // (src/docs/architecture.md, "Memory, and the collector").
        if (next == Next.VIEW) {
            recentRuns.put(run.document());
        }
        return run;
    }

    /**
     * Does for a raw upload what a POST does, up to its answer written both plain and gzip-compressed, but stores,
     * counts and logs nothing and asks the database nothing: a rehearsal, so that the JIT has compiled a request's hot
     * code before the first user's upload runs it ({@link RunWarmup}).
     *
     * @return the run as it would have been stored
     */
    RunReport rehearse(byte[] upload, RunRequest request) throws IOException {
        Upload parsed = parse(upload, null, null, null, request, null, true);
        Prepared run = prepareAlone(parsed, request);
        Futures.result(parsed.compressed());
        for (boolean gzip : new boolean[]{false, true}) {
            try (InputStream answer = RunDocuments.answer(run.runJson(), run.report(), gzip).getInputStream()) {
                answer.transferTo(OutputStream.nullOutputStream());
            }
        }
        return run.report();
    }

    /**
     * Does for a raw upload what a POST of a graph file does, its upload and run inserted into the database as a
     * user's are, but in one transaction that is rolled back; counts and logs nothing: an upload rehearsed through the
     * container, which answers it as it would a user's ({@link dev.piecewise.web.HttpRehearsal}). Until the path to
     * a 201 and the database's inserts were rehearsed too, the first users' uploads ran slower.
     *
     * @return the run, with its JSON as {@code next} needs it
     */
    CreatedRun rehearseRolledBack(byte[] upload, RunRequest request, Next next) {
        Upload parsed = parse(upload, null, null, null, request, null, false);
        Prepared run = prepareAlone(parsed, request);
        Prepared made = next == Next.JSON ? run : run.withCompressedJsonOnly();
        byte[] compressed = Futures.result(parsed.compressed()); // null when the upload is stored already
        transaction.executeWithoutResult(status -> {
            runs.saveUploadIfAbsent(parsed.sha256(), parsed.utf8(), compressed, parsed.bytes().length,
                    made.report().createdAt());
            runs.save(made.report(), made.encoded());
            status.setRollbackOnly();
        });
        return new CreatedRun(made.report(), made.runJson());
    }

    /** A run of its own, not of a comparison, and not kept decoded. */
    private Prepared prepareAlone(Upload parsed, RunRequest request) {
        return prepare(parsed, request.options(), null, now(), new Outcomes(), new SharedParts(beside), List.of(),
                false);
    }

    /**
     * Does for a raw upload what a comparison does, up to its runs ready to store, but stores, counts and logs
     * nothing: a rehearsal ({@link RunWarmup}) of the code only comparisons run (the Size strategies' moves, the
     * shared cuts and parts).
     *
     * @return the runs the comparison would have stored
     */
    List<RunReport> rehearseComparison(byte[] upload, RunRequest request) {
        Upload parsed = parse(upload, null, null, null, request, null, true);
        List<Future<Prepared>> pending = prepareAll(parsed, PartitionOptions.whatIfSets(request.options().splittingOps()),
                null, now(), prepared -> { });
        List<RunReport> rehearsed = pending.stream().map(run -> Futures.result(run).report()).toList();
        Futures.result(parsed.compressed());
        return rehearsed;
    }

    /**
     * Runs the upload under every option set of {@link PartitionOptions#whatIfSets} with the request's splitting
     * ops, as one group of runs (one parse, the partitions side by side on a bounded pool, one transaction), in the
     * background: returns after parsing (a graph that does not parse still fails the request);
     * {@link #comparison} tells how far it got. A graph compared before with the same splitting ops is not
     * compared again: its comparison's group is returned.
     *
     * @return the comparison group's id
     */
    public String startComparison(byte[] upload, String fileName, RunRequest request) {
        // decoded here only to detect the format; parsing, if the graph was not compared before, decodes it otherwise
        String text = request.format() != null ? null : UploadText.decode(upload);
        GraphFormat format = request.format() != null ? request.format() : GraphFormat.detect(text);
        String sha256 = sha256(upload);
        String key = comparisonKey(sha256, format.id(), request.graphIndex(), request.options().splittingOps().names());
        return startComparison(upload, text, sha256, fileName, request, key, null);
    }

    /**
     * Compares a stored run's upload under every option set with its splitting ops. The run itself is the row of
     * its own option set, so the comparison makes only the others; when the run already belongs to another group
     * (a trace's graphs, an archive) it stays there and the comparison makes every option set.
     *
     * @return the comparison group's id, an existing one when this graph and splitting ops were compared before
     */
    public String startComparison(String runId) {
        RunReport run = get(runId);
        String key = comparisonKey(run);
        Optional<String> existing = existingComparison(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        String text = runs.findUpload(runId).orElseThrow(() -> new RunNotFoundException(runId));
        RunRequest request = new RunRequest(run.name(), GraphFormat.fromOption(run.format()), run.graph().graphIndex(),
                RunReports.partitionOptions(run.options()));
        return startComparison(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), text, null, null, request, key,
                run.compareGroup() == null ? run : null);
    }

    /**
     * @param text     the upload decoded, or null to decode it when it is parsed
     * @param sha256   the upload's hash, or null to make it while it is parsed
     * @param original the run that joins the group as the row of its option set, or null
     */
    private String startComparison(byte[] upload, String text, String sha256, String fileName, RunRequest request,
                                   String key, RunReport original) {
        Optional<String> existing = existingComparison(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        Upload parsed = parse(upload, text, sha256, fileName, request, null, false);
        parsed.sha256(); // a graph that may not be written as Python fails the request, not the comparison
        String group = UUID.randomUUID().toString();
        List<PartitionOptions> sets = PartitionOptions.whatIfSets(request.options().splittingOps()).stream()
                .filter(set -> original == null || !original.options().sameChoices(RunReports.options(set))).toList();
        comparing.put(group, new ComparisonProgress(0, sets.size(), null));
        String sameComparison = comparingByKey.putIfAbsent(key, group);
        if (sameComparison != null) { // the same comparison was started a moment ago: that one it is
            comparing.remove(group);
            return sameComparison;
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        finishing.put(group, finished);
        // The option sets are partitioned after the request has answered and given its room back: the budget is
        // told, so that it does not collect the old generation in the middle of them.
        WorkBudget.Background inBackground = budget.background();
        coordinators.submit(() -> {
            try (inBackground) {
                compare(parsed, sets, group, key, original, () -> comparing.computeIfPresent(group,
                        (g, p) -> new ComparisonProgress(p.done() + 1, p.total(), null)));
                comparing.remove(group);
            } catch (RuntimeException e) {
                log.warn("comparison {} failed", group, e);
                comparing.put(group, new ComparisonProgress(0, sets.size(), e.getMessage()));
            } finally {
                comparingByKey.remove(key, group);
                finishing.remove(group);
                finished.complete(null);
            }
        });
        return group;
    }

    /**
     * What makes two comparisons the same: the upload, its format, which graph of it, and the splitting ops (in
     * any order). The other options are what a comparison varies.
     */
    public static String comparisonKey(String uploadSha256, String format, int graphIndex, List<String> splittingOps) {
        String ops = String.join(",", splittingOps.stream().distinct().sorted().toList());
        return sha256((uploadSha256 + "\n" + format + "\n" + graphIndex + "\n" + ops)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String comparisonKey(RunReport run) {
        return comparisonKey(run.graph().sha256(), run.format(), run.graph().graphIndex(), run.options().splittingOps());
    }

    /**
     * A comparison of the same graph and splitting ops, under way or stored: in that order, since a comparison is
     * stored before it stops running, so one finishing meanwhile is still found.
     */
    private Optional<String> existingComparison(String key) {
        String running = comparingByKey.get(key);
        return running != null ? Optional.of(running) : runs.comparisonByKey(key);
    }

    /**
     * The stored comparison a run belongs to, or else the one of its graph and splitting ops (the run was made
     * apart from it, or it belongs to a trace's or an archive's group).
     */
    Optional<String> comparisonOf(RunOutline run) {
        if (run.compareGroup() != null && runs.isComparison(run.compareGroup())) {
            return Optional.of(run.compareGroup());
        }
        return runs.comparisonByKey(run.comparisonKey());
    }

    /** The outline stored first in the run's document; made from the whole report for runs stored before. */
    RunOutline outline(String id) {
        return storedOutline(id).orElseGet(() -> RunOutline.of(get(id)));
    }

    /** The outline at the start of the run's stored document, the rest left unread; empty for runs stored before. */
    private Optional<RunOutline> storedOutline(String id) {
        return runs.readDocument(id, RunDocuments::outline).orElseThrow(() -> new RunNotFoundException(id));
    }

    /**
     * A new run of a stored run's upload under other options (the run page's one-click re-runs: the splitting ops
     * a graph that was not split calls, a suggestion, another graph of a multi-graph log).
     *
     * @param graphIndex which graph of the upload; null for the run's own
     */
    public RunReport rerun(String runId, PartitionOptions options, Integer graphIndex) {
        RunReport run = get(runId);
        return create(storedUpload(runId), null, new RunRequest(run.name(), GraphFormat.fromOption(run.format()),
                graphIndex == null ? run.graph().graphIndex() : graphIndex, options));
    }

    private byte[] storedUpload(String runId) {
        return runs.findUpload(runId).orElseThrow(() -> new RunNotFoundException(runId))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * How a comparison started here goes: how many option sets are done, or why it failed.
     *
     * @param error null unless it failed
     */
    public record ComparisonProgress(int done, int total, String error) {
    }

    /**
     * Waits at most {@code longest} for a comparison started here to be stored or to fail, so a page that would
     * show its progress can show the comparison instead; returns at once for one that is not running here.
     */
    public void awaitComparison(String group, java.time.Duration longest) {
        CompletableFuture<Void> finished = finishing.get(group);
        if (finished == null) {
            return;
        }
        try {
            finished.get(longest.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            // its progress is shown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException neverThrown) {
            // completed normally, always
        }
    }

    /** Empty once the comparison is stored (then {@link #groupMembers} has its runs), or when it is unknown here. */
    public Optional<ComparisonProgress> comparison(String group) {
        return Optional.ofNullable(comparing.get(group));
    }

    public List<String> groupMembers(String group) {
        return runs.groupMembers(group);
    }

    private void compare(Upload parsed, List<PartitionOptions> sets, String group, String key, RunReport original,
                         Runnable onePartitioned) {
        Instant start = now();
        List<Future<Prepared>> pending = prepareAll(parsed, sets, group, start, prepared -> {
            created(parsed, prepared);
            onePartitioned.run();
        });
        // The run compared joins the group: its document is rewritten beside the partitions.
        Future<byte[]> originalInGroup = original == null ? null : beside.submit(() -> {
            RunDocument document = RunDocuments.decode(storedDocument(original.id()));
            return RunDocuments.encode(new RunDocument(document.run().inGroup(group), document.nodes(),
                    document.traces()));
        });
        store(parsed, start, pending, () -> {
            runs.saveComparison(group, key, start);
            if (originalInGroup != null) {
                runs.joinGroup(original.id(), group, Futures.result(originalInGroup));
            }
        });
        if (original != null) {
            recentRuns.remove(original.id());
        }
    }

    /**
     * Partitions the upload under each option set on the comparisons' pool, and prepares each run to store, told to
     * {@code onePrepared} on the pool's thread.
     */
    private List<Future<Prepared>> prepareAll(Upload parsed, List<PartitionOptions> sets, String group, Instant start,
                                              Consumer<Prepared> onePrepared) {
        List<Future<Prepared>> pending = new ArrayList<>();
        // The eight option sets look for suggestions among the same candidates: each is partitioned once. Those that
        // leave the graph as it is, or cut it alike, share a node table and the pieces' hashes.
        Outcomes outcomes = new Outcomes();
        SharedParts shared = new SharedParts(beside);
        for (int i : suggestionsFirst(sets)) {
            PartitionOptions options = sets.get(i);
            // a microsecond apart, so the group lists in the order of the option sets however the pool finishes
            Instant createdAt = start.plus(i, ChronoUnit.MICROS);
            pending.add(comparisons.submit(() -> {
                Prepared prepared = prepare(parsed, options, group, createdAt, outcomes, shared, List.of(), false)
                        .withoutJson();
                onePrepared.accept(prepared);
                return prepared;
            }));
        }
        return pending;
    }

    /**
     * The order to partition a comparison's option sets in: those that rewrite the graph first. They are what the
     * others suggest, so a set that leaves the graph as it is and fails finds its suggestion's outcome known rather
     * than waits for it while a core stands idle.
     */
    private static List<Integer> suggestionsFirst(List<PartitionOptions> sets) {
        return IntStream.range(0, sets.size()).boxed() // a stable sort: the sets' order otherwise
                .sorted(Comparator.comparing(i -> sets.get(i).sizeStrategy() == SizeStrategy.NONE))
                .toList();
    }

    /** A comparison's runs as its page lists them, vLLM today first. */
    List<ComparisonRow> comparisonRows(String group) {
        List<ComparisonRow> rows = new ArrayList<>();
        List<String> splittingOps = null;
        for (String id : runs.groupMembers(group)) {
            // one run at a time, from its outline; no node lists
            ComparisonRow row = storedOutline(id).map(RunOutline::row)
                    .orElseGet(() -> RunDocuments.reportRow(storedDocument(id)));
            splittingOps = row.options().splittingOps();
            rows.add(row);
        }
        if (splittingOps != null) {
            rows.sort(ComparisonRow.inWhatIfOrder(splittingOps));
        }
        return rows;
    }

    /** The runs of a comparison group in the order they were made. */
    public List<RunReport> group(String groupId) {
        return runs.groupMembers(groupId).stream().map(this::get).toList();
    }

    /**
     * An upload read once, for one run or all the runs of a comparison.
     *
     * @param utf8    the upload's text as stored, UTF-8
     * @param checked    the upload's SHA-256 (computed beside the parse), once the graph passed
     *                   {@link PythonSafety#requireWritable}
     * @param compressed the UTF-8 text gzip-compressed, made beside the parse and partition; null when the upload
     *                   was stored already
     */
    private record Upload(byte[] bytes, byte[] utf8, Future<String> checked, Future<byte[]> compressed,
                          ParsedUpload parsed, String name, long parseNanos) {
        /** @throws dev.piecewise.codegen.UnsafeNodeException when the graph may not be written as Python */
        String sha256() {
            return Futures.result(checked);
        }
    }

    /**
     * A run ready to store: the run, its document encoded as stored, and the run's own JSON inside that (for the
     * answer; null once not needed). The decoded document only when asked for: a comparison holds eight of these
     * at once.
     */
    private record Prepared(RunReport report, byte[] encoded, RunJsonParts runJson, RunDocument document,
                            long partitionNanos, long encodeNanos) {
        Prepared withoutJson() {
            return new Prepared(report, encoded, null, document, partitionNanos, encodeNanos);
        }

        Prepared withCompressedJsonOnly() {
            return new Prepared(report, encoded, runJson.compressedOnly(), document, partitionNanos, encodeNanos);
        }
    }

    /**
     * @param decoded   the upload decoded, or null to decode it here
     * @param sha256    the upload's hash, or null to make it here
     * @param rehearsal a rehearsal's upload is compressed without asking the database whether it is stored
     */
    private Upload parse(byte[] upload, String decoded, String sha256, String fileName, RunRequest request,
                         ParsedUpload read, boolean rehearsal) {
        long start = System.nanoTime();
        String text = decoded != null ? decoded : UploadText.decode(upload);
        // The text as stored, UTF-8: the upload itself when it decoded character for character (ASCII, what PyTorch
        // writes), so a 100 MB graph is not held a second time as a string while it is partitioned.
        byte[] utf8 = text.length() == upload.length ? upload : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // The upload's hash, and a new upload's compressed text, are made on the other cores while this one parses:
        // at a million nodes that is a second of work off the request's path. Dropped if the upload does not parse.
        CompletableFuture<String> hashed = sha256 != null ? CompletableFuture.completedFuture(sha256)
                : CompletableFuture.supplyAsync(() -> sha256(upload), beside);
        CompletableFuture<byte[]> compressed = hashed.thenApplyAsync(
                hash -> !rehearsal && runs.hasUpload(hash) ? null : RunDocuments.compress(utf8), beside);
        try {
            GraphFormat format = request.format() != null ? request.format() : GraphFormat.detect(text);
            String defaultName = fileName != null && !fileName.isBlank() ? fileName : null;
            ParsedUpload parsedUpload = read;
            try {
                if (parsedUpload == null) {
                    parsedUpload = format.read(text, defaultName, request.graphIndex(), parseLimits);
                }
            } catch (GraphIndexOutOfRangeException badIndex) {
                throw new BadOptionException("graphIndex", badIndex.getMessage());
            }
            Graph graph = parsedUpload.graph();
            // The code of every run is served: nothing in it may run on import. Checked while the graph is
            // partitioned.
            CompletableFuture<String> checked = CompletableFuture.runAsync(() -> PythonSafety.requireWritable(graph),
                    beside).thenCombine(hashed, (writable, hash) -> hash);
            WorkDeadline.check("after parsing");
            String name = request.name() != null ? request.name()
                    : defaultName != null ? defaultName
                    : graph.name() != null && !graph.name().isBlank() ? graph.name().trim() : "graph";
            if (name.length() > 200) {
                name = name.substring(0, 200);
            }
            return new Upload(upload, utf8, checked, compressed, parsedUpload, name, System.nanoTime() - start);
        } catch (RuntimeException | Error e) {
            hashed.cancel(false);
            compressed.cancel(false);
            throw e;
        }
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    private Prepared prepare(Upload upload, PartitionOptions options, String compareGroup, Instant createdAt,
                             Outcomes outcomes, SharedParts shared, List<Diagnostic> notes, boolean decoded) {
        long start = System.nanoTime();
        // The node table needs the graph alone: it is written on the other core while this one splits the graph and
        // judges the pieces (then the call below finds it), rather than beside the run's JSON after. A split that
        // then fails (rare) leaves it unused.
        PartitionResult result = Partitioner.partition(upload.parsed().graph(), options, outcomes, shared::nodeTable);
        long partitioned = System.nanoTime();
        WorkDeadline.check("after partitioning");
        String sha256 = upload.sha256();
        // The node table is written and compressed, and the pieces hashed, on the other threads while this one
        // writes the run.
        List<Submodule> submodules = result.submodules();
        Future<List<String>> hashes = result.graph() == null ? null : shared.pieceHashes(result.graph(), submodules);
        Future<byte[]> nodesMember = shared.nodeTable(result.graph());
        RunReport report = RunReports.report(UUID.randomUUID().toString(), upload.name(), createdAt, options,
                upload.parsed(), sha256, upload.bytes().length, result, compareGroup, notes, null);
        // The large parts of the run's JSON are written (or an equal run's taken) while the pieces are hashed; the
        // small frame around them, which holds the repetition, after.
        RunJsonParts.Part cut = shared.part(RunJsonParts.Cut.of(report));
        RunJsonParts.Part problems = shared.part(RunJsonParts.Problems.of(report));
        if (hashes != null) {
            report = report.withRepetition(RepeatedPieces.group(submodules, Futures.result(hashes)));
        }
        RunJsonParts runJson = new RunJsonParts(report, cut, problems);
        List<ValueTrace> traces = ValueTraces.of(result);
        byte[] encoded = runJson.document(Futures.result(nodesMember), RunDocuments.encodeTraces(traces));
        return new Prepared(report, encoded, runJson,
                decoded ? new RunDocument(report, RunDocument.rows(result.graph()), traces) : null,
                partitioned - start, System.nanoTime() - partitioned);
    }

    /** Counts and logs a run that will be stored. */
    private void created(Upload upload, Prepared run) {
        RunReport report = run.report();
        metrics.runCreated(report.verdict().outcome().id(), upload.parsed().format().id(), upload.bytes().length,
                java.time.Duration.ofNanos(upload.parseNanos() + run.partitionNanos()));
        log.info("run {}: {} nodes ({} bytes, {}) parsed in {} ms, partitioned in {} ms, encoded in {} ms "
                        + "({} bytes stored): {}", report.id(), report.graph().nodeCount(), upload.bytes().length,
                report.format(), upload.parseNanos() / 1_000_000, run.partitionNanos() / 1_000_000,
                run.encodeNanos() / 1_000_000, run.encoded().length, report.verdict().outcome().id());
    }

    /**
     * Stores the upload in a short transaction of its own (a concurrent request may store the same text first:
     * then it is simply there), then the runs, and what {@code alsoInTransaction} writes, in one transaction. If
     * that fails, an upload no run uses is removed again, so a failed request leaves nothing behind.
     *
     * @param prepared the runs, each stored as soon as it is ready: a comparison's first runs are written while its
     *                 last ones are still being partitioned, rather than all of them after
     */
    private void store(Upload upload, Instant uploadedAt, List<Future<Prepared>> prepared, Runnable alsoInTransaction) {
        long start = System.nanoTime();
        storeUpload(upload, uploadedAt);
        try {
            try {
                transaction.executeWithoutResult(status -> saveRuns(prepared, alsoInTransaction));
            } catch (DataIntegrityViolationException uploadDeletedMeanwhile) {
                // The last run of this upload was deleted between the two transactions: store it again, once.
                storeUpload(upload, uploadedAt);
                transaction.executeWithoutResult(status -> saveRuns(prepared, alsoInTransaction));
            }
        } catch (RuntimeException e) {
            transaction.executeWithoutResult(status -> runs.deleteUploadIfUnused(upload.sha256()));
            throw e;
        }
        log.debug("stored {} runs in {} ms", prepared.size(), (System.nanoTime() - start) / 1_000_000);
    }

    private void saveRuns(List<Future<Prepared>> prepared, Runnable alsoInTransaction) {
        for (Future<Prepared> run : prepared) {
            Prepared ready = Futures.result(run);
            runs.save(ready.report(), ready.encoded());
        }
        alsoInTransaction.run();
    }

    private void storeUpload(Upload upload, Instant now) {
        try {
            transaction.executeWithoutResult(status ->
                    runs.saveUploadIfAbsent(upload.sha256(), upload.utf8(), Futures.result(upload.compressed()),
                            upload.bytes().length, now));
        } catch (DuplicateKeyException storedByAConcurrentRequest) {
            // the same text is there now, which is all this step needs
        }
    }

    public RunReport get(String id) {
        return RunDocuments.decodeRun(storedDocument(id));
    }

    /** The run and its node table, for the run page. */
    public RunDocument document(String id) {
        RunDocument recent = recentRuns.get(id);
        if (recent != null && runs.exists(id)) {
            return recent;
        }
        RunDocument document = RunDocuments.decode(storedDocument(id));
        recentRuns.put(document);
        return document;
    }

    /** The run's document as stored (gzip JSON), for answers that copy it without building the run. */
    public byte[] storedDocument(String id) {
        return runs.findDocument(id).orElseThrow(() -> new RunNotFoundException(id));
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
        ParsedUpload upload = GraphFormat.fromOption(run.format())
                .read(text, run.name(), run.graph().graphIndex(), parseLimits);
        return Partitioner.partitionOnce(upload.graph(), RunReports.partitionOptions(run.options()));
    }

    public RunReport.Page page(RunFilter filter, int page, int size) {
        return runs.page(filter, page, size);
    }

    /** The history page's lines: runs alone and groups, newest first. */
    public HistoryEntry.Page history(RunFilter filter, int page, int size) {
        return runs.history(filter, page, size);
    }

    public void delete(String id) {
        recentRuns.remove(id);
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
