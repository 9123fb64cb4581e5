package dev.piecewise.graph;

/**
 * Names to non-negative ints (a node's position), in two arrays with open addressing: no entry object and no boxed
 * int per name, which at a million nodes is most of what a {@code HashMap} index costs. A name can be looked up as a
 * region of a larger text, so a parser finds {@code %add_3} without cutting the name out of its line first.
 * Names are only added, never removed.
 */
public final class NameIndex {

    private static final int ABSENT = -1;

    private String[] names;
    /**
     * Per slot, side by side (one memory access a probe): the name's hash at {@code 2 * slot}, its value plus one at
     * {@code 2 * slot + 1} (0: an empty slot). A probe reads the name itself only when the hashes are equal.
     */
    private int[] hashesAndValues;
    private int size;
    /** 32 minus the bits of a slot number: the top bits of the spread hash pick the slot. */
    private int shift;

    public NameIndex(int expectedNames) {
        int capacity = Integer.highestOneBit(Math.max(8, expectedNames) * 2 - 1) << 1;
        names = new String[capacity];
        hashesAndValues = new int[capacity * 2];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
    }

    public int size() {
        return size;
    }

    /** The value of {@code name}, or -1 when it has none. */
    public int get(String name) {
        return hashesAndValues[2 * slotOf(name, 0, name.length(), name.hashCode()) + 1] - 1;
    }

    /** The value of the name spelled by {@code text} from {@code from} up to {@code to}, or -1 when it has none. */
    public int get(String text, int from, int to) {
        return hashesAndValues[2 * slotOf(text, from, to, hash(text, from, to)) + 1] - 1;
    }

    /** The name held here that {@code text} spells from {@code from} up to {@code to}, or null when there is none. */
    public String name(String text, int from, int to) {
        return names[slotOf(text, from, to, hash(text, from, to))];
    }

    /** Gives {@code name} the value {@code value} unless it has one; returns the value it had, or -1. */
    public int putIfAbsent(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values are non-negative: " + value);
        }
        int hash = name.hashCode();
        int slot = slotOf(name, 0, name.length(), hash);
        if (names[slot] != null) {
            return hashesAndValues[2 * slot + 1] - 1;
        }
        names[slot] = name;
        hashesAndValues[2 * slot] = hash;
        hashesAndValues[2 * slot + 1] = value + 1;
        if (++size * 2 > names.length) {
            grow();
        }
        return ABSENT;
    }

    /** String.hashCode's polynomial over a region, so a stored name's cached hash finds it. */
    private static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    /** The slot holding the name, or the empty slot where it would go (linear probing, at most half full). */
    private int slotOf(String text, int from, int to, int hash) {
        int mask = names.length - 1;
        int length = to - from;
        // Names such as add_1, add_2, ... have consecutive hashes: spread them (Fibonacci hashing), or linear probing
        // walks long runs of neighbours.
        for (int slot = (hash * 0x9E3779B9) >>> shift; ; slot = slot + 1 & mask) {
            if (hashesAndValues[2 * slot + 1] == 0) {
                return slot;
            }
            if (hashesAndValues[2 * slot] == hash) {
                String held = names[slot];
                // References hold their node's own name string: found by identity, without comparing characters.
                if (held == text || held.length() == length && held.regionMatches(0, text, from, length)) {
                    return slot;
                }
            }
        }
    }

    private void grow() {
        String[] oldNames = names;
        int[] old = hashesAndValues;
        names = new String[oldNames.length * 2];
        hashesAndValues = new int[old.length * 2];
        shift--;
        for (int i = 0; i < oldNames.length; i++) {
            if (oldNames[i] != null) {
                int slot = slotOf(oldNames[i], 0, oldNames[i].length(), old[2 * i]);
                names[slot] = oldNames[i];
                hashesAndValues[2 * slot] = old[2 * i];
                hashesAndValues[2 * slot + 1] = old[2 * i + 1];
            }
        }
    }
}
