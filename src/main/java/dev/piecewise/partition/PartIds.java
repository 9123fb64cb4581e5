package dev.piecewise.partition;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Distinct submodule ids in the order first added: what a partition depends on, or what depends on it. Almost
 * every partition has one or two, and a graph may have 180,000 partitions, so the ids sit in an array, with a hash
 * set beside it only once there are many.
 */
final class PartIds {

    private static final int SCANNED = 8;

    private int[] ids = new int[2];
    private int size;
    private Set<Integer> many;

    void add(int id) {
        if (contains(id)) {
            return;
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        if (many != null) {
            many.add(id);
        } else if (size > SCANNED) {
            many = new HashSet<>();
            for (int i = 0; i < size; i++) {
                many.add(ids[i]);
            }
        }
    }

    private boolean contains(int id) {
        if (many != null) {
            return many.contains(id);
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    /** The {@code i}-th id added. */
    int get(int i) {
        return ids[i];
    }
}
