package dev.piecewise.graph;

import dev.piecewise.concurrent.Futures;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * Hands out node names the way {@code torch.fx.graph._Namespace.create_name} does, so nodes a rewrite creates
 * get the names PyTorch would give them ({@code sym_size_int}, {@code sym_size_int_1}, {@code size_1}, ...).
 */
public final class FxNamespace {

    /** The names handed out (values unused): an index rather than a set, no entry object per name. */
    private final NameIndex used = new NameIndex(64);
    /** What is known of each base a name was made from: one lookup a name. */
    private final Map<String, Base> bases = new HashMap<>();
    /** A graph whose names count as registered, read through its index rather than copied; null for none. */
    private Graph graph;
    /** Scans of the graph's names for a base, started on another core by {@link #readAhead}. */
    private final Map<String, FutureTask<Base>> readingAhead = new HashMap<>();

    /** FX's count for one base, and the numbers known taken, each with one at or after which the next free lies. */
    private static final class Base {
        long count;
        /** The largest N of the graph's names {@code base_N} (N as FX prints it), -1 for none: none above is taken. */
        long largestInGraph = -1;
        Map<Long, Long> skips;
    }

    /**
     * A namespace holding the names of {@code graph} as if FX had registered them in order. Rather than copying a
     * large graph's names, it asks the graph's index whether a name is taken and, for the few bases it makes
     * names from, finds FX's count by one scan: the number of the last name of the form {@code base_N}.
     */
    public static FxNamespace of(Graph graph) {
        FxNamespace ns = new FxNamespace();
        ns.graph = graph;
        return ns;
    }

    /** A namespace holding the names of {@code nodes}, registered in order as FX registered them. */
    public static FxNamespace of(List<Node> nodes) {
        FxNamespace ns = new FxNamespace();
        nodes.forEach(n -> ns.create(n.name()));
        return ns;
    }

    /**
     * The name FX gives the output node after {@code nodes}: {@code output} unless a node already has it (then
     * the namespace decides), so the common case costs no pass over the graph.
     */
    public static String outputName(java.util.function.Predicate<String> isDefined, List<Node> nodes) {
        return isDefined.test("output") ? of(nodes).create("output") : "output";
    }

    /** FX's {@code create_name}, by hand rather than by regex: every node of a rewritten graph passes here. */
    public String create(String candidate) {
        candidate = legal(candidate);
        if (candidate.isEmpty()) {
            candidate = "_unnamed";
        }
        if (Character.isDigit(candidate.charAt(0))) {
            candidate = "_" + candidate;
        }
        String base = candidate;
        long num = 0;
        int suffix = numericSuffix(candidate);
        if (suffix > 0) { // (.*)_(\d+)$: the digits after the last underscore
            base = candidate.substring(0, suffix - 1);
            num = parseOrZero(candidate, suffix);
            if (!isCanonical(candidate, suffix)) { // FX re-prints the number: size_01 becomes size_1
                candidate = base + "_" + num;
            }
        }
        Base known = bases.get(base);
        if (known == null) {
            FutureTask<Base> ahead = readingAhead.remove(base);
            known = ahead != null ? Futures.resultHelping(ahead) : readGraphNames(base);
            bases.put(base, known);
        }
        if (num == 0) {
            num = known.count;
        }
        if (isTaken(candidate)) {
            candidate = nextFree(base, known, num + 1);
        } else {
            known.count = num;
        }
        used.putIfAbsent(candidate, 0);
        return candidate;
    }

    private boolean isTaken(String name) {
        return used.get(name) >= 0 || graph != null && graph.indexOf(name) >= 0;
    }

    /**
     * The first free {@code base_n} with {@code n >= from}, which becomes the base's count: what FX's loop
     * ({@code num += 1} until the name is free) ends on. FX tries every number in turn, so copying each of 9,000
     * {@code size_N} nodes would try 40 million names; numbers once taken stay taken, so each run of taken numbers is
     * skipped in one step the next time (a base's {@code skips}, path-compressed as in union-find).
     */
    private String nextFree(String base, Base known, long from) {
        String name = base + "_" + from;
        long n = from;
        if (isTaken(name, known, from)) { // rarely: the number after the last is mostly free
            Map<Long, Long> skip = known.skips == null ? known.skips = new HashMap<>() : known.skips;
            List<Long> passed = new java.util.ArrayList<>();
            while (true) {
                Long further = skip.get(n);
                if (further != null) {
                    passed.add(n);
                    n = further;
                } else if (isTaken(base + "_" + n, known, n)) {
                    passed.add(n);
                    n++;
                } else {
                    break;
                }
            }
            for (long p : passed) {
                skip.put(p, n);
            }
            name = base + "_" + n;
        }
        known.count = n;
        return name;
    }

    /**
     * Whether {@code name}, which is {@code base_n}, is taken: by a name handed out, or by the graph, which is asked
     * only up to its largest such number (a lookup in a large graph's index is a cache miss; the numbers a rewrite
     * hands out are mostly beyond it).
     */
    private boolean isTaken(String name, Base known, long n) {
        return used.get(name) >= 0 || graph != null && n <= known.largestInGraph && graph.indexOf(name) >= 0;
    }

    /**
     * Starts the scan of a large graph's names for {@code base} (a legal name without a numeric suffix, such as
     * {@code sym_size_int}) on another core, for a caller about to create names from it after other work: the scan
     * reads every node's name, tens of milliseconds at a million nodes.
     */
    public void readAhead(String base) {
        if (graph != null && graph.size() >= Graph.HALVES_FROM && !bases.containsKey(base)
                && !readingAhead.containsKey(base)) {
            readingAhead.put(base, Futures.offer(() -> readGraphNames(base), ForkJoinPool.commonPool()));
        }
    }

    /**
     * Reads the graph's names of the form {@code base_N}, in one scan: FX's count for {@code base} after registering
     * them is the last one's N, and the largest N printed as FX prints it bounds the names {@link #isTaken} asks
     * the graph about. Nothing without a graph; reads the graph only, so it may run on another thread.
     */
    private Base readGraphNames(String base) {
        Base known = new Base();
        if (graph == null) {
            return known;
        }
        for (Node node : graph.nodes()) {
            String name = node.name();
            int from = base.length() + 1;
            if (name.length() > from && name.startsWith(base) && name.charAt(base.length()) == '_'
                    && numericSuffix(name) == from) {
                long num = parseOrZero(name, from);
                if (num != 0) {
                    known.count = num;
                }
                if (isCanonical(name, from)) {
                    known.largestInGraph = Math.max(known.largestInGraph, num);
                }
            }
        }
        return known;
    }

    /** Runs of characters other than ASCII letters, digits and underscores become one underscore. */
    private static String legal(String name) {
        int i = 0;
        while (i < name.length() && isLegal(name.charAt(i))) {
            i++;
        }
        if (i == name.length()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length()).append(name, 0, i);
        boolean inRun = false;
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isLegal(c)) {
                sb.append(c);
                inRun = false;
            } else if (!inRun) {
                sb.append('_');
                inRun = true;
            }
        }
        return sb.toString();
    }

    private static boolean isLegal(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** Where the digits of a {@code _123} ending start, or -1 when the name has none. */
    private static int numericSuffix(String name) {
        int i = name.length();
        while (i > 0 && name.charAt(i - 1) >= '0' && name.charAt(i - 1) <= '9') {
            i--;
        }
        return i < name.length() && i >= 1 && name.charAt(i - 1) == '_' ? i : -1;
    }

    private static long parseOrZero(String name, int from) {
        try {
            return Long.parseLong(name, from, name.length(), 10);
        } catch (NumberFormatException tooLong) {
            return 0;
        }
    }

    /** The digits from {@code from} print back as themselves: no leading zero, and they fit a long. */
    private static boolean isCanonical(String name, int from) {
        int digits = name.length() - from;
        return (digits == 1 || name.charAt(from) != '0') && (digits < 19 || parseOrZero(name, from) != 0);
    }

    /** The name FX derives from a call target: {@code torch.ops.aten.sym_size.int} becomes {@code sym_size_int}. */
    public static String nameForTarget(String target) {
        String t = target;
        if (t.startsWith("torch.ops.")) {
            t = t.substring("torch.ops.".length());
            int dot = t.indexOf('.');
            t = dot >= 0 ? t.substring(dot + 1) : t; // drop the namespace, keep op and overload
            t = t.endsWith(".default") ? t.substring(0, t.length() - ".default".length()) : t;
            return t.replace('.', '_');
        }
        int dot = t.lastIndexOf('.');
        return dot >= 0 ? t.substring(dot + 1) : t;
    }
}
