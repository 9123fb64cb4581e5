package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run's document keeps the report and the node table, reads back equal, and copies as the report's JSON. */
class RunDocumentsTest {

    private RunDocument document(SizeStrategy strategy) {
        String text = Fixtures.read("moe_view", "graph.txt");
        ParsedUpload upload = GraphFormat.detect(text).read(text, "moe", 0);
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::moe")))
                .with(strategy, dev.piecewise.partition.GetitemRule.VLLM);
        PartitionResult result = Partitioner.partition(upload.graph(), options);
        RunReport report = RunReports.report("id", "moe", Instant.parse("2026-11-30T10:00:00.123456Z"), options, upload,
                "sha", text.length(), result, null, java.util.List.of());
        return new RunDocument(report, RunDocument.rows(result.graph()));
    }

    @Test
    void readsBackEqual() {
        RunDocument document = document(SizeStrategy.NONE);
        RunDocument read = RunDocuments.decode(RunDocuments.encode(document));
        assertThat(read).isEqualTo(document);
        assertThat(RunDocuments.decodeRun(RunDocuments.encode(document))).isEqualTo(document.run());
        assertThat(read.nodes()).contains(new RunDocument.NodeRow("size", Op.CALL_METHOD, "size", ValueKind.SIZE));
    }

    @Test
    void enumsAreWrittenAsTheirIdsAndTheCopyIsTheReportAlone() {
        RunDocument document = document(SizeStrategy.NONE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunDocuments.copyRun(RunDocuments.encode(document), out);
        JsonNode json = RunJson.MAPPER.readTree(out.toByteArray());
        assertThat(json.has("nodes")).isFalse();
        assertThat(json.get("id").asString()).isEqualTo("id");
        assertThat(json.get("verdict").get("outcome").asString()).isEqualTo("aot-fails");
        assertThat(json.get("verdict").get("problems").get(0).get("direction").asString()).isEqualTo("output");
        assertThat(json.get("verdict").get("problems").get(0).get("kind").asString()).isEqualTo("size");
        assertThat(json.get("options").get("sizeStrategy").asString()).isEqualTo("none");
        assertThat(json.get("createdAt").asString()).isEqualTo("2026-11-30T10:00:00.123456Z");
        JsonNode stored = RunJson.MAPPER.readTree(RunDocuments.decompress(RunDocuments.encode(document)));
        assertThat(stored.get("nodes").get(0).isArray()).isTrue();
    }

    /** The document is the run's outline, then the whole record as Jackson writes it. */
    @Test
    void theDocumentIsTheOutlineAndTheRecordsJson() {
        for (SizeStrategy strategy : SizeStrategy.values()) {
            RunDocument document = document(strategy);
            String whole = RunJson.MAPPER.writeValueAsString(document);
            assertThat(RunDocuments.decompress(RunDocuments.encode(document))).as(strategy.id())
                    .isEqualTo("{\"outline\":" + RunJson.MAPPER.writeValueAsString(RunOutline.of(document.run()))
                            + "," + whole.substring(1));
        }
    }

    /** The compare page reads a run's outline alone; a document stored before outlines gives the same row. */
    @Test
    void theOutlineIsReadAloneAndOlderDocumentsGiveTheSameRow() {
        RunDocument document = document(SizeStrategy.NONE);
        RunOutline outline = RunDocuments.outline(RunDocuments.encode(document)).orElseThrow();
        assertThat(outline).isEqualTo(RunOutline.of(document.run()));
        assertThat(outline.name()).isEqualTo("moe");
        assertThat(outline.row().outcome()).isEqualTo(dev.piecewise.partition.Outcome.AOT_FAILS);
        assertThat(outline.row().problemCount()).isEqualTo(document.run().verdict().problems().size()).isPositive();
        assertThat(outline.comparisonKey()).isEqualTo(RunService.comparisonKey("sha", "fx-text", 0, List.of("oracle::moe")));

        byte[] older = RunDocuments.compress("{\"run\":" + RunJson.MAPPER.writeValueAsString(document.run())
                + ",\"nodes\":[],\"traces\":[]}");
        assertThat(RunDocuments.outline(older)).isEmpty();
        assertThat(RunDocuments.reportRow(older)).isEqualTo(outline.row());
        assertThat(RunDocuments.reportRow(RunDocuments.encode(document))).isEqualTo(outline.row());
        assertThat(RunDocuments.decode(older).run()).isEqualTo(document.run());
    }

    /** The answer made from the run's JSON, plain or compressed, is the run with its links, as {@link RunAnswer} writes it. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theAnswerFromTheRunsJsonIsTheRunWithItsLinks(boolean gzip) throws Exception {
        RunReport run = document(SizeStrategy.NONE).run();
        org.springframework.core.io.Resource resource = RunDocuments.answer(RunJsonParts.of(run, null), run, gzip);
        byte[] bytes = resource.getContentAsByteArray();
        assertThat(resource.contentLength()).isEqualTo(bytes.length);
        byte[] json = gzip ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes()
                : bytes;
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(RunJson.MAPPER.writeValueAsString(RunAnswer.of(run)));
        JsonNode answer = RunJson.MAPPER.readTree(json);
        assertThat(answer.get("links").get("self").asString()).isEqualTo("/api/runs/id");
        assertThat(answer.get("verdict").get("outcome").asString()).isEqualTo("aot-fails");
    }

    /**
     * A stored document read as a stream fails as the database does when the stream does (a 503, not a 500), and as
     * a bad document when what it reads is one.
     */
    @Test
    void aDocumentStreamThatFailsIsAStorageFailure() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> RunDocuments.outline(new RunRepository.StoredStream(broken)))
                .isInstanceOf(DataAccessResourceFailureException.class).hasRootCauseMessage("connection reset");
        assertThatThrownBy(() -> RunDocuments.outline(new RunRepository.StoredStream(
                new ByteArrayInputStream("not gzip".getBytes(StandardCharsets.US_ASCII)))))
                .isNotInstanceOf(DataAccessException.class);
    }
}
