package dev.piecewise.partition;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Distinct ints in the order first added: the submodule ids a partition depends on or that depend on it, the node
 * positions it reads or returns, the submodules that read a value, the positions of the nodes that read a Size.
 * Almost every partition has one or two of each, and a graph may have 180,000 partitions, so the ints sit in an
 * array, with a hash set beside it only once there are many.
 */
final class DistinctInts {

    private static final int SCANNED = 8;

    private int[] ids = new int[2];
    private int size;
    private Set<Integer> many;

    /** Adds {@code id} unless present; true when it was not. */
    boolean add(int id) {
        if (contains(id)) {
            return false;
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
        return true;
    }

    boolean contains(int id) {
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

    /** The {@code i}-th int added. */
    int get(int i) {
        return ids[i];
    }
}
