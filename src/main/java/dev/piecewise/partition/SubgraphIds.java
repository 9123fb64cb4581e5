package dev.piecewise.partition;

import dev.piecewise.graph.Graph;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The subgraph id of each node of one graph, kept by position (-1 for a node without one: placeholders, the
 * output). The passes read and write ids by position; reports read them as a map from node name, in graph order.
 */
final class SubgraphIds extends AbstractMap<String, Integer> {

    private final Graph graph;
    private final int[] ids;

    SubgraphIds(Graph graph) {
        this.graph = graph;
        this.ids = new int[graph.size()];
        Arrays.fill(ids, -1);
    }

    Graph graph() {
        return graph;
    }

    /** The id of the node at {@code position}, -1 for none. */
    int at(int position) {
        return ids[position];
    }

    void set(int position, int id) {
        ids[position] = id;
    }

    /**
     * The ids of {@code rewritten}, a rewrite of this graph: {@code placed} for the nodes it names, each other node
     * its id here.
     */
    SubgraphIds onto(Graph rewritten, Map<String, Integer> placed) {
        SubgraphIds moved = new SubgraphIds(rewritten);
        for (int at = 0; at < rewritten.size(); at++) {
            String name = rewritten.nodes().get(at).name();
            Integer id = placed.isEmpty() ? null : placed.get(name);
            int old = graph.indexOf(name);
            moved.ids[at] = id != null ? id : old < 0 ? -1 : ids[old];
        }
        return moved;
    }

    /** Whether {@code other} gives every node of the same graph (the same object) the same id. */
    boolean sameIds(SubgraphIds other) {
        return graph == other.graph && Arrays.equals(ids, other.ids);
    }

    /** A hash of the graph's identity and the ids, consistent with {@link #sameIds}. */
    int idsHash() {
        return 31 * System.identityHashCode(graph) + Arrays.hashCode(ids);
    }

    /** The highest id given, -1 for none. */
    int maxId() {
        int max = -1;
        for (int id : ids) {
            max = Math.max(max, id);
        }
        return max;
    }

    @Override
    public Integer get(Object name) {
        int at = name instanceof String node ? graph.indexOf(node) : -1;
        return at < 0 || ids[at] < 0 ? null : ids[at];
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public Set<Entry<String, Integer>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Integer>> iterator() {
                return new Iterator<>() {
                    private int next = advance(0);

                    private int advance(int from) {
                        while (from < ids.length && ids[from] < 0) {
                            from++;
                        }
                        return from;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < ids.length;
                    }

                    @Override
                    public Entry<String, Integer> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, Integer> entry = Map.entry(graph.nodes().get(next).name(), ids[next]);
                        next = advance(next + 1);
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                int size = 0;
                for (int id : ids) {
                    size += id >= 0 ? 1 : 0;
                }
                return size;
            }
        };
    }
}
