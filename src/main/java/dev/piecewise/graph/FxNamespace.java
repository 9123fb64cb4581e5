package dev.piecewise.graph;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Hands out node names the way {@code torch.fx.graph._Namespace.create_name} does, so nodes a rewrite creates
 * get the names PyTorch would give them ({@code sym_size_int}, {@code sym_size_int_1}, {@code size_1}, ...).
 */
public final class FxNamespace {

    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> baseCount = new HashMap<>();

    /** A namespace holding the names of {@code graph}, registered in graph order as FX registered them. */
    public static FxNamespace of(Iterable<Node> nodes) {
        FxNamespace ns = new FxNamespace();
        nodes.forEach(n -> ns.create(n.name()));
        return ns;
    }

    /**
     * The name FX gives the output node after {@code nodes}: {@code output} unless a node already has it (then
     * the namespace decides), so the common case costs no pass over the graph.
     */
    public static String outputName(java.util.function.Predicate<String> isDefined, Iterable<Node> nodes) {
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
        int num = 0;
        int suffix = numericSuffix(candidate);
        if (suffix > 0) { // (.*)_(\d+)$: the digits after the last underscore
            base = candidate.substring(0, suffix - 1);
            String digits = candidate.substring(suffix);
            num = parseOrZero(digits);
            if (!digits.equals(Integer.toString(num))) {
                candidate = base + "_" + num;
            }
        }
        if (num == 0) {
            num = baseCount.getOrDefault(base, 0);
        }
        while (used.contains(candidate)) {
            num++;
            candidate = base + "_" + num;
        }
        used.add(candidate);
        baseCount.put(base, num);
        return candidate;
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

    private static int parseOrZero(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException tooLong) {
            return 0;
        }
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
