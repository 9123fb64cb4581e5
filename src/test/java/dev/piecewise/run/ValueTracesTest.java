package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Offending values traced to the lines of the model that make and use them, kept in the run's document. */
class ValueTracesTest {

    private static PartitionResult partition(String fixture, String file, List<String> ops, SizeStrategy strategy) {
        String text = Fixtures.read(fixture, file);
        ParsedUpload upload = GraphFormat.detect(text).read(text, file, 0);
        return Partitioner.partition(upload.graph(), PartitionOptions.vllmDefaults(new SplittingOps(ops))
                .with(strategy, GetitemRule.VLLM));
    }

    @Test
    void theSizeCrossingTheMoeCutComesFromOrigShapeAndGoesToTheView() {
        // make_oracle.py as print_readable() shows it: line 112 takes x.shape, line 117 views the MoE output with it.
        List<ValueTrace> traces = ValueTraces.of(partition("moe_view", "readable.py", List.of("oracle::moe"), SizeStrategy.NONE));
        assertThat(traces).hasSize(1);
        ValueTrace size = traces.get(0);
        assertThat(size.value()).isEqualTo("size");
        assertThat(size.producer().submodule()).isEqualTo("submod_0");
        assertThat(size.producer().kind()).isEqualTo(ValueKind.SIZE);
        assertThat(size.producer().type()).isEqualTo("[s77, 32]");
        assertThat(size.producer().location()).isEqualTo("make_oracle.py:112 in forward");
        assertThat(size.producer().code()).isEqualTo("orig_shape = x.shape");
        assertThat(size.consumers()).extracting(ValueTrace.Site::node, ValueTrace.Site::submodule, ValueTrace.Site::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("view_1", "submod_2",
                        "make_oracle.py:117 in forward, code: return out.view(orig_shape)"));
    }

    @Test
    void fxJsonStackTracesAreSourcesToo() {
        // piecewise.py's export of a two-layer MoE decoder: each layer's orig_shape crosses its MoE cut.
        String text = Fixtures.read(Fixtures.ROOT.resolve("client-export/custom_moe_decoder_g0.json"));
        ParsedUpload upload = GraphFormat.detect(text).read(text, "decoder", 0);
        PartitionResult result = Partitioner.partition(upload.graph(), PartitionOptions.vllmDefaults(
                new SplittingOps(List.of("oracle::moe", "oracle::attn"))).with(SizeStrategy.NONE, GetitemRule.VLLM));
        List<ValueTrace> traces = ValueTraces.of(result);
        assertThat(traces).isNotEmpty();
        assertThat(traces).allSatisfy(t -> {
            assertThat(t.producer().code()).isEqualTo("orig_shape = x.shape");
            assertThat(t.consumers()).anySatisfy(c -> assertThat(c.code()).isEqualTo("h = h + y.view(orig_shape)"));
        });
    }

    @Test
    void aRunThatCompilesOrDoesNotSplitHasNothingToTrace() {
        assertThat(ValueTraces.of(partition("moe_view", "readable.py", List.of("oracle::moe"), SizeStrategy.DECOMPOSE))).isEmpty();
        assertThat(ValueTraces.of(partition("moe_view", "readable.py", List.of("oracle::nothing"), SizeStrategy.NONE))).isEmpty();
    }

    @Test
    void tracesAreStoredWithTheRunAndOlderDocumentsReadWithout() {
        PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::moe")))
                .with(SizeStrategy.NONE, GetitemRule.VLLM);
        String text = Fixtures.read("moe_view", "readable.py");
        ParsedUpload upload = GraphFormat.detect(text).read(text, "moe", 0);
        PartitionResult result = Partitioner.partition(upload.graph(), options);
        RunReport report = RunReports.report("id", "moe", Instant.parse("2026-11-30T10:00:00Z"), options, upload, "sha",
                text.length(), result, null, List.of());
        RunDocument document = new RunDocument(report, RunDocument.rows(result.graph()), ValueTraces.of(result));
        assertThat(RunDocuments.decode(RunDocuments.encode(document))).isEqualTo(document);

        String withoutTraces = RunDocuments.decompress(RunDocuments.encode(new RunDocument(report, List.of())))
                .replace(",\"traces\":[]", "");
        assertThat(withoutTraces).doesNotContain("traces");
        assertThat(RunDocuments.decode(RunDocuments.compress(withoutTraces)).traces()).isEmpty();
    }
}
