package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.format.FxTextParser;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.Submodule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs of one upload share the node table of graphs listing the same nodes, and the hashes of pieces cut alike. */
class SharedPartsTest {

    private static final String GRAPH = """
            graph():
                %x : torch.Tensor [num_users=1] = placeholder[target=x]
                %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                %y : [num_users=1] = call_function[target=torch.relu](args = (%a,), kwargs = {})
                return (y,)
            """;

    private final ExecutorService beside = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        beside.shutdownNow();
    }

    private static List<RunDocument.NodeRow> rows(byte[] member) {
        byte[] document = RunDocuments.join(RunDocuments.compress("{\"run\":null"), member,
                RunDocuments.encodeTraces(List.of()));
        return RunDocuments.decode(document).nodes();
    }

    @Test
    void graphsListingTheSameNodesShareOneTable() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        Graph sameNodes = new FxTextParser().parse(GRAPH, "g"); // equal nodes, not the same objects
        SharedParts tables = new SharedParts(beside);

        var member = tables.nodeTable(graph);
        assertThat(tables.nodeTable(graph)).isSameAs(member);
        assertThat(tables.nodeTable(sameNodes)).isSameAs(member);
        assertThat(rows(member.get())).extracting(RunDocument.NodeRow::name).containsExactly("x", "a", "y", "output");
    }

    @Test
    void aGraphWithOtherNodesGetsItsOwnTable() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        List<Node> renamed = new ArrayList<>(graph.nodes());
        Node y = renamed.get(2);
        renamed.set(2, new Node("y", y.op(), "torch.sigmoid", y.args(), y.kwargs(), y.typeExpr(), y.value(), y.source()));
        Graph other = Graph.trusted("g", renamed, false);
        SharedParts tables = new SharedParts(beside);

        var member = tables.nodeTable(graph);
        var otherMember = tables.nodeTable(other);
        assertThat(otherMember).isNotSameAs(member);
        assertThat(rows(otherMember.get())).extracting(RunDocument.NodeRow::target)
                .containsExactly("x", "torch.ops.oracle.attn", "torch.sigmoid", "output");
        assertThat(tables.nodeTable(null)).isNotSameAs(member);
        assertThat(rows(tables.nodeTable(null).get())).isEmpty();
    }

    @Test
    void piecesCutAlikeFromTheSameGraphAreHashedOnce() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        SplittingOps attn = new SplittingOps(List.of("oracle::attn"));
        List<Submodule> cut = Partitioner.partition(graph, PartitionOptions.vllmDefaults(attn)).submodules();
        List<Submodule> cutAgain = Partitioner.partition(graph, PartitionOptions.vllmDefaults(attn)
                .with(SizeStrategy.NONE, GetitemRule.OFF)).submodules();
        List<Submodule> notSplit = Partitioner.partition(graph, PartitionOptions.vllmDefaults(
                new SplittingOps(List.of("oracle::other")))).submodules();
        SharedParts parts = new SharedParts(beside);

        var hashes = parts.pieceHashes(graph, cut);
        assertThat(cutAgain).isEqualTo(cut).isNotSameAs(cut);
        assertThat(parts.pieceHashes(graph, cutAgain)).isSameAs(hashes);
        assertThat(hashes.get()).isEqualTo(RepeatedPieces.hashes(cut, graph)).hasSize(2); // the attention, then relu
        assertThat(parts.pieceHashes(graph, notSplit)).isNotSameAs(hashes);
        assertThat(parts.pieceHashes(graph, notSplit).get()).isEqualTo(RepeatedPieces.hashes(notSplit, graph)).hasSize(1);
        Graph sameNodes = Graph.trusted("g", graph.nodes(), false); // the same node objects: the same graph to a hash
        assertThat(parts.pieceHashes(sameNodes, cutAgain)).isSameAs(hashes);
        Graph sameText = new FxTextParser().parse(GRAPH, "g"); // other node objects, but equal: the same graph too
        assertThat(parts.pieceHashes(sameText, cut)).isSameAs(hashes);

        List<Node> changed = new ArrayList<>(graph.nodes());
        Node y = changed.get(2);
        changed.set(2, new Node("y", y.op(), "torch.sigmoid", y.args(), y.kwargs(), y.typeExpr(), y.value(), y.source()));
        Graph other = Graph.trusted("g", changed, false); // cut alike, but one piece computes something else
        var otherHashes = parts.pieceHashes(other, cut);
        assertThat(otherHashes).isNotSameAs(hashes);
        assertThat(otherHashes.get()).isEqualTo(RepeatedPieces.hashes(cut, other)).isNotEqualTo(hashes.get());
    }

    @Test
    void equalValuesShareOnePartOfTheRunsJson() throws Exception {
        Graph graph = new FxTextParser().parse(GRAPH, "g");
        SplittingOps attn = new SplittingOps(List.of("oracle::attn"));
        RunReport run = report(graph, PartitionOptions.vllmDefaults(attn));
        RunReport sameCut = report(graph, PartitionOptions.vllmDefaults(attn).with(SizeStrategy.NONE, GetitemRule.OFF));
        RunReport notSplit = report(graph, PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::other"))));
        SharedParts parts = new SharedParts(beside);

        RunJsonParts.Part made = parts.part(RunJsonParts.Cut.of(run));
        assertThat(made.json()).isNotNull(); // the run that makes a part keeps its JSON for its answer
        RunJsonParts.Part taken = parts.part(RunJsonParts.Cut.of(sameCut));
        assertThat(taken.deflated()).isSameAs(made.deflated());
        assertThat(taken.json()).isNull();
        // a run storing another's part stores its own report
        RunJsonParts.Part problems = parts.part(RunJsonParts.Problems.of(run));
        assertThat(parts.part(RunJsonParts.Problems.of(sameCut)).deflated()).isSameAs(problems.deflated());
        assertThat(RunDocuments.decompress(new RunJsonParts(sameCut, taken, problems.withoutJson()).document()))
                .isEqualTo(RunDocuments.decompress(RunJsonParts.of(sameCut, null).document()))
                .contains("\"sizeStrategy\":\"none\"");
        RunJsonParts.Part other = parts.part(RunJsonParts.Cut.of(notSplit));
        assertThat(other.deflated()).isNotSameAs(made.deflated());
        assertThat(RunDocuments.decompress(other.deflated().member())).contains("\"submod_0\"").doesNotContain("submod_1");
        assertThat(RunDocuments.decompress(made.deflated().member())).contains("\"submod_1\"");
        // a value of another kind is never taken for a cut
        assertThat(problems.deflated()).isNotSameAs(made.deflated());
    }

    private static RunReport report(Graph graph, PartitionOptions options) {
        ParsedUpload upload = new ParsedUpload(dev.piecewise.graph.format.GraphFormat.FX_TEXT, graph, 1, 0, null);
        return RunReports.report("id", "g", java.time.Instant.EPOCH, options, upload, "sha", 1,
                Partitioner.partition(graph, options), null, List.of());
    }
}
