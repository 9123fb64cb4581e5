package dev.piecewise.run;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The documents of the runs viewed or made last, decoded, so paging through a big run does not decode it on
 * every page. Stored runs never change, so an entry is right for as long as its run exists; callers check that.
 * Bounded by the nodes the documents hold, not their number, so a few huge runs cannot fill the heap.
 */
final class RecentRuns {

    private final long maxNodes;
    private final LinkedHashMap<String, RunDocument> documents = new LinkedHashMap<>(16, 0.75f, true);
    private long nodes;

    RecentRuns(long maxNodes) {
        this.maxNodes = maxNodes;
    }

    synchronized RunDocument get(String id) {
        return documents.get(id);
    }

    synchronized void put(RunDocument document) {
        long size = weight(document);
        if (size > maxNodes) {
            return;
        }
        RunDocument previous = documents.put(document.run().id(), document);
        nodes += size - (previous == null ? 0 : weight(previous));
        Iterator<Map.Entry<String, RunDocument>> oldest = documents.entrySet().iterator();
        while (nodes > maxNodes && oldest.hasNext()) {
            nodes -= weight(oldest.next().getValue());
            oldest.remove();
        }
    }

    synchronized void remove(String id) {
        RunDocument removed = documents.remove(id);
        if (removed != null) {
            nodes -= weight(removed);
        }
    }

    private static long weight(RunDocument document) {
        return Math.max(1, document.run().graph().nodeCount());
    }
}
