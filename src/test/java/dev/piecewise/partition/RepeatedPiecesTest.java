package dev.piecewise.partition;

import dev.piecewise.run.SyntheticDecoder;
import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.FxTextParser;
import dev.piecewise.graph.format.GraphFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Groups of identical pieces, expected from what the models are: how many layers they have and which ops cut
 * them, not from running the code.
 */
class RepeatedPiecesTest {

    private static final SplittingOps FIXTURE_OPS = new SplittingOps(List.of("oracle::attn", "oracle::moe",
            "oracle::attn2", "oracle::sdpa", "vllm::unified_attention_with_output", "vllm::moe_forward"));

    private static RepeatedPieces.Repetition repetition(String fixtureCase, String file, SplittingOps ops) {
        String text = Fixtures.read(fixtureCase, file);
        Graph graph = GraphFormat.detect(text).read(text, file, 0).graph();
        PartitionResult result = Partitioner.partition(graph, PartitionOptions.vllmDefaults(ops));
        return RepeatedPieces.find(result.submodules(), result.graph());
    }

    private static List<String> submods(int from, int to, int step) {
        return IntStream.iterate(from, i -> i <= to, i -> i + step).mapToObj(i -> "submod_" + i).toList();
    }

    /**
     * vllm_moe_lm has 8 layers, each cut at its attention and at its MoE op: 16 splitting pieces and 17 compiled
     * ones, 33 in all. The piece after each attention (o_proj, residual add, norm, router) is the same in all 8
     * layers: submod_2, 6, ..., 30. The piece after each MoE op that leads into the next layer's attention is
     * the same 7 times: submod_4, ..., 28. The first (embedding) and the last (final norm) differ. Every
     * splitting call passes its own layer's name as a string, so no two splitting pieces are the same graph.
     */
    @ParameterizedTest
    @ValueSource(strings = {"graph.txt", "graph.json", "readable.py"})
    void eachLayerOfAMoeModelIsOneGraph(String file) {
        RepeatedPieces.Repetition r = repetition("vllm_moe_lm", file, FIXTURE_OPS);
        assertThat(r.pieces()).isEqualTo(33);
        assertThat(r.compiledPieces()).isEqualTo(17);
        assertThat(r.distinctCompiled()).isEqualTo(4);
        assertThat(r.distinct()).isEqualTo(4 + 16);
        assertThat(r.groups()).extracting(RepeatedPieces.Group::submodules)
                .containsExactly(submods(2, 30, 4), submods(4, 28, 4));
        assertThat(r.groups()).noneMatch(RepeatedPieces.Group::splitting);
    }

    /**
     * hf_llama has 2 layers cut at oracle::sdpa(q, k, v): the two attention pieces are one graph; the first
     * piece (embedding, rotary tables, layer 0 up to attention), the middle one and the last (lm_head) differ.
     */
    @ParameterizedTest
    @ValueSource(strings = {"graph.txt", "graph.json"})
    void theTwoAttentionPiecesOfLlamaAreOneGraph(String file) {
        RepeatedPieces.Repetition r = repetition("hf_llama", file, FIXTURE_OPS);
        assertThat(r.pieces()).isEqualTo(5);
        assertThat(r.distinct()).isEqualTo(4);
        assertThat(r.distinctCompiled()).isEqualTo(3);
        assertThat(r.groups()).singleElement().satisfies(g -> {
            assertThat(g.submodules()).containsExactly("submod_1", "submod_3");
            assertThat(g.splitting()).isTrue();
            assertThat(g.nodeCount()).isEqualTo(1);
        });
    }

    /**
     * The synthetic decoder: layer i is size, view, linear, relu | attn | mul, view, add, layer_norm,
     * contiguous, then layer i+1's size, view, linear, relu. Its pieces: the first (layer 0 before attention),
     * one attention piece per layer, one piece between two attentions per layer but the last, and the last
     * piece (after the last attention). The middle pieces of all layers are one graph, the attention pieces
     * another: 4 distinct pieces whatever the depth.
     */
    @Test
    void aDeepDecoderHasFourDistinctPieces() {
        int layers = 50;
        Graph graph = new FxTextParser().parse(SyntheticDecoder.fxText(layers), "decoder");
        PartitionResult result = Partitioner.partition(graph,
                PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn"))));
        RepeatedPieces.Repetition r = RepeatedPieces.find(result.submodules(), result.graph());
        assertThat(r.pieces()).isEqualTo(2 * layers + 1);
        assertThat(r.distinct()).isEqualTo(4);
        assertThat(r.groups()).extracting(RepeatedPieces.Group::submodules)
                .containsExactly(submods(1, 2 * layers - 1, 2), submods(2, 2 * layers - 2, 2));
    }

    @Test
    void aDifferentConstantMakesADifferentPiece() {
        String text = SyntheticDecoder.fxText(3).replace("%add_1, (64,)", "%add_1, (65,)");
        Graph graph = new FxTextParser().parse(text, "decoder");
        PartitionResult result = Partitioner.partition(graph,
                PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::attn"))));
        RepeatedPieces.Repetition r = RepeatedPieces.find(result.submodules(), result.graph());
        // Pieces: submod_0, attn 1, middle 2, attn 3, middle 4, attn 5, last 6; layer 1's norm (in submod_4) differs.
        assertThat(r.groups()).extracting(RepeatedPieces.Group::submodules)
                .containsExactly(List.of("submod_1", "submod_3", "submod_5"));
    }

    @Test
    void aFailedSplitHasNoRepetition() {
        assertThat(RepeatedPieces.find(List.of(), null)).isNull();
    }
}
