package dev.piecewise.bench;

import dev.piecewise.PiecewiseApplication;
import dev.piecewise.bench.EngineBenchmark.Measurement;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.run.RunDocument;
import dev.piecewise.run.RunDocuments;
import dev.piecewise.run.RunReport;
import dev.piecewise.run.RunReports;
import dev.piecewise.run.RunRepository;
import dev.piecewise.run.SyntheticDecoder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.piecewise.bench.EngineBenchmark.best;
import static dev.piecewise.bench.EngineBenchmark.cell;

/**
 * Times every step of a run for synthetic decoders of 1k to 1M nodes: parse, partition, serialize (report and
 * gzip document), store (one row in H2), and the whole HTTP request (POST of the text, 201 with the run, gzip
 * on the wire), with the bytes each step allocated and the peak heap of the size. Run with
 * {@code ./mvnw -q test-compile exec:java}; pass sizes as arguments to pick others. Not a unit test: it reports
 * numbers, it asserts nothing about them.
 */
public final class PartitionBenchmark {

    private static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args).map(Integer::parseInt).toList()
                : List.of(1_000, 10_000, 100_000, 1_000_000);
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn")));
        ConfigurableApplicationContext app = SpringApplication.run(PiecewiseApplication.class, "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1", "--logging.level.root=WARN",
                "--logging.level.piecewise.requests=WARN", "--piecewise.upload.max-size=512MB");
        try {
            RunRepository repository = app.getBean(RunRepository.class);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            warmUp(options, repository, http, port);
            System.out.printf("%9s %7s | %17s | %17s | %17s | %17s | %17s | %9s | %s%n", "nodes", "text MB",
                    "parse ms (MB)", "partition ms (MB)", "serialize ms (MB)", "store ms (MB)", "HTTP POST ms (MB)",
                    "peak heap", "stored KB / JSON KB on the wire");
            for (int target : sizes) {
                resetPeaks();
                String text = SyntheticDecoder.fxText(Math.max(1, target / 11));
                ParsedUpload[] upload = new ParsedUpload[1];
                // One graph and one partition alive at a time, as in the service: a round drops the one before's.
                Measurement parse = best(ROUNDS, () -> upload[0] = null,
                        () -> upload[0] = GraphFormat.FX_TEXT.read(text, "decoder", 0));
                PartitionResult[] result = new PartitionResult[1];
                Measurement partition = best(ROUNDS, () -> result[0] = null,
                        () -> result[0] = Partitioner.partition(upload[0].graph(), options));
                byte[][] document = new byte[1][];
                RunReport[] report = new RunReport[1];
                Measurement serialize = best(ROUNDS, () -> {
                    report[0] = RunReports.report(UUID.randomUUID().toString(), "decoder", Instant.now(), options,
                            upload[0], "sha-" + target, text.length(), result[0], null, java.util.List.of());
                    return document[0] = RunDocuments.encode(new RunDocument(report[0], RunDocument.rows(result[0].graph())));
                });
                Measurement store = best(ROUNDS, () -> {
                    RunReport fresh = RunReports.report(UUID.randomUUID().toString(), "decoder", Instant.now(), options,
                            upload[0], "sha-" + target, text.length(), result[0], null, java.util.List.of());
                    repository.saveUploadIfAbsent("sha-" + target, text, text.length(), Instant.now());
                    repository.save(fresh, document[0]);
                    return fresh;
                });
                byte[] body = text.getBytes(StandardCharsets.UTF_8);
                long[] wire = new long[1];
                Measurement post = best(ROUNDS, () -> wire[0] = post(http, port, body));
                System.out.printf("%9d %7.1f | %17s | %17s | %17s | %17s | %17s | %6.0f MB | %d / %d%n",
                        upload[0].graph().nodes().size(), text.length() / 1e6, cell(parse), cell(partition),
                        cell(serialize), cell(store), cell(post), peakHeap() / 1e6, document[0].length / 1024,
                        wire[0] / 1024);
            }
        } finally {
            app.close();
        }
    }

    /** POSTs the text as curl would, accepting gzip; returns the bytes that came back. */
    private static long post(HttpClient http, int port, byte[] body) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/runs?splittingOps=oracle::attn"))
                    .header("Content-Type", "text/plain").header("Accept-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("POST answered " + response.statusCode());
            }
            return response.body().length;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Serves a few hundred thousand nodes first, as a server that has been up a while has: until the JIT has
     * compiled the parser and partitioner, a request costs several times what it does later.
     */
    private static void warmUp(PartitionOptions options, RunRepository repository, HttpClient http, int port) {
        String text = SyntheticDecoder.fxText(1_000);
        for (int i = 0; i < 40; i++) {
            ParsedUpload upload = GraphFormat.FX_TEXT.read(text, "warm-up", 0);
            PartitionResult result = Partitioner.partition(upload.graph(), options);
            RunReport report = RunReports.report(UUID.randomUUID().toString(), "warm-up", Instant.now(), options,
                    upload, "warm-up", text.length(), result, null, java.util.List.of());
            byte[] document = RunDocuments.encode(new RunDocument(report, RunDocument.rows(result.graph())));
            repository.saveUploadIfAbsent("warm-up", text, text.length(), Instant.now());
            repository.save(report, document);
            post(http, port, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
