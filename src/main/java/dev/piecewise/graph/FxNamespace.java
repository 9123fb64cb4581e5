package dev.piecewise.graph;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hands out node names the way {@code torch.fx.graph._Namespace.create_name} does, so nodes a rewrite creates
 * get the names PyTorch would give them ({@code sym_size_int}, {@code sym_size_int_1}, {@code size_1}, ...).
 */
public final class FxNamespace {

    private static final Pattern SUFFIX = Pattern.compile("(.*)_(\\d+)$");
    private static final Pattern ILLEGAL = Pattern.compile("[^0-9a-zA-Z_]+");

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

    public String create(String candidate) {
        candidate = ILLEGAL.matcher(candidate).replaceAll("_");
        if (candidate.isEmpty()) {
            candidate = "_unnamed";
        }
        if (Character.isDigit(candidate.charAt(0))) {
            candidate = "_" + candidate;
        }
        Matcher m = SUFFIX.matcher(candidate);
        String base;
        int num;
        if (m.matches()) {
            base = m.group(1);
            num = parseOrZero(m.group(2));
            candidate = base + "_" + num;
        } else {
            base = candidate;
            num = 0;
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
