package dev.piecewise.run;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.partition.RepeatedPieces;
import dev.piecewise.partition.Submodule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The parts of the runs made from one upload that equal runs share, each made once: the node table of runs whose
 * partitioned graphs list the same nodes, the repeated pieces' hashes of runs cut alike from a graph of the same
 * nodes, and the large parts of the runs' JSON with equal values. In a comparison, the option sets that leave the
 * graph as it is (or rewrite it alike) and cut it alike write a hundred thousand rows, hash eighteen thousand pieces
 * and write 12 MB of JSON once instead of each time. Thread-safe.
 */
final class SharedParts {

    private record NodeTable(List<Node> nodes, Future<byte[]> member) {
    }

    /** The graph by its node list, not the graph: a comparison keeps these to its end, and a graph's index is large. */
    private record PieceHashes(List<Node> nodes, List<Submodule> submodules, Future<List<String>> hashes) {
    }

    private record JsonPart(Record value, CompletableFuture<RunJsonParts.Part> part) {
    }

    private final ExecutorService beside;
    private final List<NodeTable> nodeTables = new ArrayList<>();
    private final List<PieceHashes> pieceHashes = new ArrayList<>();
    /**
     * Looked through, not hashed: a cut's hash walks all of it (a few ms at 100k nodes, tens at 1M), which a run
     * alone, with nothing to share, would pay for nothing; an equal value is found by a walk of it, another kind
     * of value or another cut usually within its first elements.
     */
    private final List<JsonPart> jsonParts = new ArrayList<>();

    SharedParts(ExecutorService beside) {
        this.beside = beside;
    }

    /**
     * The node-table member of a run whose partitioned graph is {@code graph} (null when the split failed). Asked
     * for once before the split, to start it early, and again after: the second call finds the first's.
     */
    synchronized Future<byte[]> nodeTable(Graph graph) {
        List<Node> nodes = graph == null ? List.of() : graph.nodes();
        for (NodeTable table : nodeTables) {
            if (sameRows(table.nodes(), nodes)) {
                return table.member();
            }
        }
        Future<byte[]> member = beside.submit(() -> RunDocuments.encodeNodeTable(RunDocument.rows(graph)));
        nodeTables.add(new NodeTable(nodes, member));
        return member;
    }

    /**
     * The structural hash of each of {@code submodules}, cut from {@code graph}: half of them hashed on each of two
     * threads of {@code beside}, unless a run cut a graph of equal nodes into the same submodules before. Equal
     * nodes in the same order are the same graph to the hash (names, inputs and positions all come from them), as
     * two relocations that move the same Sizes make, or both decompositions where no Size is in a list.
     */
    synchronized Future<List<String>> pieceHashes(Graph graph, List<Submodule> submodules) {
        for (PieceHashes known : pieceHashes) {
            if (equalNodes(known.nodes(), graph.nodes()) && known.submodules().equals(submodules)) {
                return known.hashes();
            }
        }
        int half = submodules.size() / 2;
        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(
                () -> RepeatedPieces.hashes(submodules.subList(0, half), graph), beside);
        CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(
                () -> RepeatedPieces.hashes(submodules.subList(half, submodules.size()), graph), beside);
        Future<List<String>> hashes = first.thenCombine(second, (a, b) -> {
            List<String> all = new ArrayList<>(a.size() + b.size());
            all.addAll(a);
            all.addAll(b);
            return all;
        });
        pieceHashes.add(new PieceHashes(graph.nodes(), submodules, hashes));
        return hashes;
    }

    /**
     * The part of a run's JSON that holds {@code value} ({@link RunJsonParts}): written and compressed here, or by the
     * run that had an equal value first, then without its JSON (a comparison never answers with it). Waiting for
     * that run cannot deadlock: a part is claimed only by a thread that makes it at once, and making one waits only
     * for {@code beside}, whose tasks wait for nothing.
     */
    RunJsonParts.Part part(Record value) {
        CompletableFuture<RunJsonParts.Part> claim = new CompletableFuture<>();
        CompletableFuture<RunJsonParts.Part> known = null;
        synchronized (this) {
            for (JsonPart part : jsonParts) {
                if (part.value().equals(value)) {
                    known = part.part();
                    break;
                }
            }
            if (known == null) {
                jsonParts.add(new JsonPart(value, claim));
            }
        }
        if (known != null) {
            return known.join();
        }
        try {
            RunJsonParts.Part made = RunJsonParts.Part.of(value, beside);
            claim.complete(made.withoutJson());
            return made;
        } catch (RuntimeException | Error e) {
            claim.completeExceptionally(e);
            throw e;
        }
    }

    /** Whether the two lists hold equal nodes: checked node by node, most of them the same object. */
    private static boolean equalNodes(List<Node> a, List<Node> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0, n = a.size(); i < n; i++) {
            Node x = a.get(i);
            Node y = b.get(i);
            if (x != y && !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the two lists make the same rows: checked node by node, most of them the same object. */
    private static boolean sameRows(List<Node> a, List<Node> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0, n = a.size(); i < n; i++) {
            Node x = a.get(i);
            Node y = b.get(i);
            if (x != y && !(x.name().equals(y.name()) && x.op() == y.op() && Objects.equals(x.target(), y.target())
                    && x.kind() == y.kind())) {
                return false;
            }
        }
        return true;
    }
}
