package dev.piecewise.graph.archive;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphArchiveTest {

    private static final ArchiveLimits LIMITS = new ArchiveLimits(100, 10_000_000);

    static byte[] trace(String file) {
        return Fixtures.read(Fixtures.ROOT.resolve("traces").resolve(file)).getBytes(StandardCharsets.UTF_8);
    }

    /** What TORCH_TRACE=/tmp/trace writes for a two-rank job. */
    static Map<String, byte[]> traceDirectory() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("trace/", new byte[0]);
        entries.put("trace/dedicated_log_torch_trace_rank_1_abcd.log", trace("trace_moe_view.log"));
        entries.put("trace/dedicated_log_torch_trace_rank_0_efgh.log", trace("trace_graph_break.log"));
        return entries;
    }

    /** A vLLM torch_compile_cache/<hash>/ directory of one rank. */
    static Map<String, byte[]> vllmCache() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String dir = "torch_compile_cache/1a2b3c/rank_0_0/backbone/";
        entries.put(dir + "computation_graph.py", Fixtures.read("moe_view", "computation_graph.py").getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "transformed_code_0.py", "def forward(x):\n    return x\n".getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "vllm_compile_cache.py", "{}\n".getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "cache_key_factors.json", "{\"env\": {}}".getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    @Test
    void aZipOfATraceDirectoryGivesOneLogPerRank() {
        assertThat(GraphArchive.isArchive(Archives.zip(traceDirectory()))).isTrue();
        var graphs = GraphArchive.read(Archives.zip(traceDirectory()), LIMITS);
        assertThat(graphs).extracting(ArchiveGraph::kind).containsOnly(ArchiveGraph.Kind.TRACE_LOG);
        assertThat(graphs).extracting(ArchiveGraph::rank).containsExactly("0", "1");
        assertThat(graphs.get(1).content()).isEqualTo(trace("trace_moe_view.log"));
    }

    @Test
    void aTarGzOfAVllmCacheGivesItsComputationGraphWithRankPrefixAndTheFilesBesideIt() {
        var graphs = GraphArchive.read(Archives.tarGz(vllmCache()), LIMITS);
        assertThat(graphs).hasSize(1);
        ArchiveGraph graph = graphs.get(0);
        assertThat(graph.kind()).isEqualTo(ArchiveGraph.Kind.COMPUTATION_GRAPH);
        assertThat(graph.rank()).isEqualTo("0_0");
        assertThat(graph.prefix()).isEqualTo("backbone");
        assertThat(graph.siblings()).containsExactly("cache_key_factors.json", "transformed_code_0.py", "vllm_compile_cache.py");
        assertThat(graph.label()).isEqualTo("rank 0_0 backbone computation_graph.py");
    }

    @Test
    void entryNamesThatLeaveTheArchiveAreRefused() {
        for (String name : new String[]{"../evil.log", "a/../../evil.log", "/etc/evil.log", "C:\\evil.log"}) {
            byte[] zip = Archives.zip(Map.of(name, trace("trace_moe_view.log")));
            assertThatThrownBy(() -> GraphArchive.read(zip, LIMITS)).as(name)
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe entry name");
        }
    }

    @Test
    void aZipBombStopsAtTheUncompressedLimit() {
        byte[] zeros = new byte[5_000_000];
        byte[] bomb = Archives.zip(Map.of("a.bin", zeros, "b.bin", zeros, "c.bin", zeros));
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> GraphArchive.read(bomb, LIMITS))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("more than 10000000 bytes");
    }

    @Test
    void tooManyEntriesAreRefused() {
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            many.put("f" + i + ".txt", new byte[]{'x'});
        }
        assertThatThrownBy(() -> GraphArchive.read(Archives.tarGz(many), LIMITS))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("more than 100 entries");
    }

    @Test
    void aBrokenArchiveIsAnArchiveException() {
        byte[] zip = Archives.tarGz(traceDirectory());
        byte[] cut = java.util.Arrays.copyOf(zip, zip.length / 2);
        assertThatThrownBy(() -> GraphArchive.read(cut, LIMITS)).isInstanceOf(ArchiveException.class);
    }
}
