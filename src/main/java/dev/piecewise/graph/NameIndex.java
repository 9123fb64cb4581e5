package dev.piecewise.graph;

/**
 * Names to non-negative ints (a node's position), in two arrays with open addressing: no entry object and no boxed
 * int per name, which at a million nodes is most of what a {@code HashMap} index costs. A name can be looked up as a
 * region of a larger text, so a parser finds {@code %add_3} without cutting the name out of its line first.
 * Names are added one by one; a copy made for a rewritten graph can leave some out ({@link #remapped}).
 * <p>
 * Names are hashed by {@code String.hashCode}, cached in each name. Names can be made to share it ({@code Aa} and
 * {@code BB} do, and so do all their concatenations), or be aimed at one stretch of slots, which every probe that
 * starts in it then walks: 40,000 such node names took 15 seconds to parse, and a million would pin a core for
 * hours. So each insertion looks at the run of occupied slots it joined, and each table built without insertions
 * (a rebuild, a copy) at its longest run: a run of {@link #CROWDED_RUN} slots, or one holding
 * {@link #SHARED_HASHES} names of the inserted name's hash, has the index hash its names again with a hash of its
 * own, seeded at random (Murmur3 over the characters), which an upload cannot aim at. No probe then walks further
 * than that run, whether it finds its name or not.
 */
public final class NameIndex {

    private static final int ABSENT = -1;
    /** The stored value of a name left out of a remapped copy: probes go past it, lookups find nothing. */
    private static final int REMOVED = -1;

    private String[] names;
    /**
     * Per slot, side by side (one memory access a probe): the name's hash at {@code 2 * slot}, its value plus one at
     * {@code 2 * slot + 1} (0: an empty slot, {@link #REMOVED}: a name left out). A probe reads the name itself
     * only when the hashes are equal.
     */
    private int[] hashesAndValues;
    private int size;
    /** Slots holding a name, left-out names included: the load, kept at most half the slots. */
    private int occupied;
    /** 32 minus the bits of a slot number: the top bits of the spread hash pick the slot. */
    private int shift;
    /** The seed of the index's own hash; 0 while names are hashed by {@code String.hashCode}. */
    private int seed;

    /**
     * Four times the longest run among names as models make them (about 250 slots among two million names such as
     * add_1, ... and l_self_modules_layers_modules_1_..., at the most the table is ever filled): a probe walks at
     * most this far, however its names were chosen.
     */
    private static final int CROWDED_RUN = 1024;
    /** Names of one String.hashCode in one run: models' names almost never share a 32-bit hash at all. */
    private static final int SHARED_HASHES = 16;

    public NameIndex(int expectedNames) {
        int capacity = Integer.highestOneBit(Math.max(8, expectedNames) * 2 - 1) << 1; // at least one block of 16
        names = new String[capacity];
        hashesAndValues = new int[capacity * 2];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
    }

    private NameIndex(String[] names, int[] hashesAndValues, int shift, int occupied, int seed) {
        this.names = names;
        this.hashesAndValues = hashesAndValues;
        this.shift = shift;
        this.occupied = occupied;
        this.seed = seed;
    }

    /**
     * A copy in which a name's value {@code v} becomes {@code moved[v]}, and a name whose {@code moved[v]} is
     * negative is left out, with room for {@code additions} names more: a rewritten graph's index made in one pass
     * over the arrays, no name hashed. When the room is there the arrays are copied as they are, else the names are
     * placed into larger ones by the hashes held.
     */
    public NameIndex remapped(int[] moved, int additions) {
        if ((occupied + additions) * 2L <= names.length) {
            NameIndex copy = new NameIndex(names.clone(), hashesAndValues.clone(), shift, occupied, seed);
            int[] values = copy.hashesAndValues;
            for (int i = 1; i < values.length; i += 2) {
                if (values[i] > 0) {
                    int to = moved[values[i] - 1];
                    values[i] = to >= 0 ? to + 1 : REMOVED;
                    copy.size += to >= 0 ? 1 : 0;
                }
            }
            return copy;
        }
        NameIndex copy = new NameIndex(size + additions);
        copy.seed = seed; // the hashes held are this seed's
        for (int i = 0; i < names.length; i++) {
            int value = hashesAndValues[2 * i + 1];
            if (value > 0 && moved[value - 1] >= 0) {
                copy.place(names[i], hashesAndValues[2 * i], moved[value - 1] + 1);
                copy.size++;
            }
        }
        copy.occupied = copy.size;
        copy.hashAgainIfCrowded();
        return copy;
    }

    public int size() {
        return size;
    }

    /** Whether names crowded the index, so that it hashes them with its own seeded hash. */
    boolean hashesWithItsOwnSeed() {
        return seed != 0;
    }

    /** The value of {@code name}, or -1 when it has none. */
    public int get(String name) {
        return valueAt(slotOf(name, 0, name.length(), hashOf(name)));
    }

    /** The value of the name spelled by {@code text} from {@code from} up to {@code to}, or -1 when it has none. */
    public int get(String text, int from, int to) {
        return valueAt(slotOf(text, from, to, hash(text, from, to)));
    }

    private int valueAt(int slot) {
        return Math.max(hashesAndValues[2 * slot + 1] - 1, ABSENT);
    }

    /** The name held here that {@code text} spells from {@code from} up to {@code to}, or null when there is none. */
    public String name(String text, int from, int to) {
        int slot = slotOf(text, from, to, hash(text, from, to));
        return hashesAndValues[2 * slot + 1] > 0 ? names[slot] : null;
    }

    /** Gives {@code name} the value {@code value} unless it has one; returns the value it had, or -1. */
    public int putIfAbsent(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values are non-negative: " + value);
        }
        int hash = hashOf(name);
        int slot = slotOf(name, 0, name.length(), hash);
        int stored = hashesAndValues[2 * slot + 1];
        if (stored > 0) {
            return stored - 1;
        }
        // A left-out name taken back keeps its slot, but holds the new string: references find it by identity.
        names[slot] = name;
        hashesAndValues[2 * slot] = hash;
        hashesAndValues[2 * slot + 1] = value + 1;
        size++;
        boolean full = stored == 0 && ++occupied * 2 > names.length;
        boolean hashAgain = seed == 0 && crowdedAround(slot, hash);
        if (full || hashAgain) {
            // Doubled, or only cleared of left-out names when they are most of what fills it.
            rebuild(full && size * 4 > names.length ? names.length * 2 : names.length, hashAgain ? newSeed() : seed);
        }
        return ABSENT;
    }

    /**
     * Whether the run of occupied slots around {@code slot} is {@link #CROWDED_RUN} long, or holds
     * {@link #SHARED_HASHES} other names of {@code hash}. Checked here, by the insertion, so that lookups, which
     * threads share, write nothing; a run holds about ten slots, all in cache.
     */
    private boolean crowdedAround(int slot, int hash) {
        int mask = names.length - 1;
        int length = 1;
        int sameHash = 0;
        for (int step = 1; step >= -1; step -= 2) { // forward, then back
            for (int s = slot + step & mask; hashesAndValues[2 * s + 1] != 0; s = s + step & mask) {
                if (++length >= CROWDED_RUN || hashesAndValues[2 * s] == hash && ++sameHash >= SHARED_HASHES) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The length of the longest run of occupied slots (the table is at most half full: some slot is empty). */
    private int longestRun() {
        int mask = names.length - 1;
        int empty = 0;
        while (hashesAndValues[2 * empty + 1] != 0) {
            empty++;
        }
        int longest = 0;
        int run = 0;
        for (int i = 1; i <= mask; i++) {
            run = hashesAndValues[2 * (empty + i & mask) + 1] != 0 ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** After names were placed without insertions' checks (a rebuild, a copy): hashed again if a run is too long. */
    private void hashAgainIfCrowded() {
        if (seed == 0 && longestRun() >= CROWDED_RUN) {
            rebuild(names.length, newSeed());
        }
    }

    private static int newSeed() {
        return java.util.concurrent.ThreadLocalRandom.current().nextInt() | 1;
    }

    private int hashOf(String name) {
        return seed == 0 ? name.hashCode() : hash(name, 0, name.length());
    }

    /**
     * The hash of the name a region spells: String.hashCode's polynomial, so a name's cached hash finds it, or the
     * index's own once it has a seed.
     */
    private int hash(String text, int from, int to) {
        if (seed != 0) {
            return seededHash(text, from, to, seed);
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    /** Murmur3's 32-bit hash of the region's characters, one a block. */
    private static int seededHash(String text, int from, int to, int seed) {
        int h = seed;
        for (int i = from; i < to; i++) {
            int k = Integer.rotateLeft(text.charAt(i) * 0xCC9E2D51, 15) * 0x1B873593;
            h = Integer.rotateLeft(h ^ k, 13) * 5 + 0xE6546B64;
        }
        h ^= to - from;
        h = (h ^ h >>> 16) * 0x85EBCA6B;
        h = (h ^ h >>> 13) * 0xC2B2AE35;
        return h ^ h >>> 16;
    }

    /** The slot holding the name, or the empty slot where it would go (linear probing, at most half full). */
    private int slotOf(String text, int from, int to, int hash) {
        int mask = names.length - 1;
        int length = to - from;
        for (int slot = firstSlot(hash, length == 0 ? 0 : text.charAt(to - 1)); ; slot = slot + 1 & mask) {
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

    /**
     * Where a name's probe starts: a block of 16 slots picked by the hash of the name without its last character,
     * and the slot in it by the whole name's hash. Names such as add_120 ... add_129 are made a few nodes apart, so
     * they are indexed in one block, still in cache, rather than each at a random place in a table of megabytes: at a
     * million nodes that made indexing about three times faster. Names that differ elsewhere land as randomly as
     * before. The prefix's hash is undone from the whole name's (String.hashCode is h * 31 + c), so no name is hashed
     * twice; it is spread (Fibonacci hashing), or the consecutive hashes of consecutive names would make linear
     * probing walk long runs of neighbours.
     */
    private int firstSlot(int hash, int lastChar) {
        if (seed != 0) { // names hashed by the index's own hash: no prefix to undo
            return (hash * 0x9E3779B9) >>> shift;
        }
        int prefixHash = (hash - lastChar) * INVERSE_OF_31;
        return (prefixHash * 0x9E3779B9) >>> shift & ~15 | hash & 15;
    }

    /** 31 * INVERSE_OF_31 == 1 in int arithmetic. */
    private static final int INVERSE_OF_31 = 0xBDEF7BDF;

    /**
     * Places the names held, left-out names dropped, into {@code capacity} slots; hashed again when {@code newSeed}
     * is not the seed they were hashed with (see the class comment).
     */
    private void rebuild(int capacity, int newSeed) {
        String[] oldNames = names;
        int[] old = hashesAndValues;
        boolean hashedAgain = newSeed != seed;
        seed = newSeed;
        names = new String[capacity];
        hashesAndValues = new int[capacity * 2];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
        occupied = size;
        for (int i = 0; i < oldNames.length; i++) {
            if (old[2 * i + 1] > 0) {
                place(oldNames[i], hashedAgain ? hashOf(oldNames[i]) : old[2 * i], old[2 * i + 1]);
            }
        }
        hashAgainIfCrowded();
    }

    /** Puts a name known to be absent, with its hash and stored value, into its slot. */
    private void place(String name, int hash, int stored) {
        int slot = slotOf(name, 0, name.length(), hash);
        names[slot] = name;
        hashesAndValues[2 * slot] = hash;
        hashesAndValues[2 * slot + 1] = stored;
    }
}
