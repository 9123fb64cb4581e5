package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's JSON written in parts is, part after part, the report's JSON as Jackson writes it whole. */
class RunJsonPartsTest {

    private static RunReport report(String text, List<String> splittingOps, SizeStrategy strategy, GetitemRule rule) {
        ParsedUpload upload = GraphFormat.detect(text).read(text, "g", 0);
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(splittingOps)).with(strategy, rule);
        PartitionResult result = Partitioner.partition(upload.graph(), options);
        return RunReports.report("id", "g", Instant.parse("2026-12-01T10:00:00Z"), options, upload, "sha",
                text.length(), result, null, List.of());
    }

    private static String json(RunJsonParts parts) throws Exception {
        return new String(parts.asStream(new byte[]{'}'}).readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The compressed answer: one gzip member of the stored parts and the frame's pieces between them. */
    private static String gzipJson(RunJsonParts parts) throws Exception {
        byte[] gzip = Deflated.member(parts.deflated(new byte[]{'}'})).readAllBytes();
        return new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip)).readAllBytes(),
                StandardCharsets.UTF_8);
    }

    @Test
    void everyFixtureUnderEveryStrategyReadsAsItsReport() throws Exception {
        int runs = 0;
        for (String fixture : Fixtures.cases()) {
            if (!Fixtures.exists(fixture, "graph.txt")) {
                continue;
            }
            String text = Fixtures.read(fixture, "graph.txt");
            List<String> ops = Fixtures.expected(fixture).get("splittingOps").values().stream()
                    .map(tools.jackson.databind.JsonNode::asString).toList();
            for (SizeStrategy strategy : SizeStrategy.values()) {
                for (GetitemRule rule : List.of(GetitemRule.VLLM, GetitemRule.TUPLE_ONLY)) {
                    RunReport run = report(text, ops, strategy, rule);
                    RunJsonParts parts = RunJsonParts.of(run, null);
                    String whole = RunJson.MAPPER.writeValueAsString(run);
                    String as = fixture + " " + strategy.id() + " " + rule.id();
                    assertThat(json(parts)).as(as).isEqualTo(whole);
                    assertThat(gzipJson(parts)).as(as).isEqualTo(whole);
                    RunJsonParts compressed = parts.compressedOnly();
                    assertThat(gzipJson(compressed)).as(as).isEqualTo(whole);
                    org.assertj.core.api.Assertions.assertThatIllegalStateException()
                            .isThrownBy(() -> compressed.asStream(new byte[]{'}'}));
                    assertThat(parts.sizeWithoutClosingBrace()).as(as)
                            .isEqualTo(whole.getBytes(StandardCharsets.UTF_8).length - 1);
                    assertThat(RunDocuments.decompress(parts.document())).as(as).isEqualTo(
                            new String(RunDocuments.opening(run), StandardCharsets.UTF_8) + whole);
                    runs++;
                }
            }
        }
        assertThat(runs).isGreaterThan(100);
    }

    /** A large part is compressed in two halves side by side, joined in one gzip member that reads back as the part. */
    @Test
    void aLargePartCompressedInHalvesReadsBackAsTheRun() throws Exception {
        RunReport run = report(SyntheticDecoder.fxText(6_000), List.of("oracle::attn"),
                SizeStrategy.NONE, GetitemRule.VLLM);
        ExecutorService beside = Executors.newSingleThreadExecutor();
        try {
            RunJsonParts.Part inHalves = RunJsonParts.Part.of(RunJsonParts.Cut.of(run), beside);
            RunJsonParts.Part whole = RunJsonParts.Part.of(RunJsonParts.Cut.of(run), null);
            assertThat(inHalves.json().size()).isGreaterThan(4 << 20);
            assertThat(inHalves.deflated().member()).isNotEqualTo(whole.deflated().member());
            assertThat(RunDocuments.decompress(inHalves.deflated().member())).isEqualTo(RunDocuments.decompress(whole.deflated().member()))
                    .startsWith("\"submodules\":[{").contains(",\"createdNodes\":[]").doesNotEndWith("}");
            RunJsonParts parts = new RunJsonParts(run, inHalves, RunJsonParts.Part.of(RunJsonParts.Problems.of(run), beside));
            assertThat(json(parts)).isEqualTo(RunJson.MAPPER.writeValueAsString(run));
            assertThat(gzipJson(parts)).isEqualTo(RunJson.MAPPER.writeValueAsString(run));
            byte[] document = parts.document(RunDocuments.encodeNodeTable(List.of()),
                    RunDocuments.encodeTraces(List.of()));
            assertThat(RunDocuments.decodeRun(document)).isEqualTo(run);
        } finally {
            beside.shutdownNow();
        }
    }
}
