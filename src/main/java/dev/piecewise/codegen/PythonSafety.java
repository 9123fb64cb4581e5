package dev.piecewise.codegen;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the generated Python may contain, checked on the parsed graph before anything is stored: the generated
 * file is diffed and run next to vLLM's cache, so an upload must not be able to put code into it. Targets are
 * dotted Python identifiers, keyword names identifiers, and a verbatim argument ({@link Arg.Repr}) a dotted name,
 * a number ({@code -inf}) or a call of a known constructor with literal arguments ({@code device(type='cuda', index=0)}). Names are
 * checked where code is written ({@link #requireIdentifier}): fx-json names may be anything for partitioning.
 */
public final class PythonSafety {

    /** A constructor's literal arguments: names, numbers, quoted words, lists; no calls, no line breaks. */
    private static final Pattern CONSTRUCTOR = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\(([\\w .,=+\\-\\[\\]]|'[\\w .:\\-]*')*\\)");
    /** Numbers FX prints verbatim: {@code -inf}, {@code nan}, {@code 1e-05}, complex {@code (1+2j)}. */
    private static final Pattern NUMBER = Pattern.compile(
            "\\(?[-+]?(inf|nan|[0-9][0-9_.]*([eE][-+]?[0-9]+)?)([-+](inf|nan|[0-9][0-9_.]*([eE][-+]?[0-9]+)?)j)?j?\\)?");
    private static final Set<String> CONSTRUCTORS = Set.of("device", "torch.device", "torch.Size", "Size", "torch.finfo",
            "torch.iinfo", "dtype", "torch.dtype", "memory_format");
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
            "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");

    private PythonSafety() {
    }

    /** @throws UnsafeNodeException naming the first node whose target or arguments cannot be written safely */
    public static void requireWritable(Graph graph) {
        for (Node node : graph.nodes()) {
            String target = node.canonicalTarget();
            boolean ok = switch (node.op()) {
                case CALL_FUNCTION -> isDotted(target, false);
                case CALL_METHOD -> isAsciiIdentifier(target, 0, target.length());
                case CALL_MODULE, GET_ATTR -> isDotted(target, true); // ModuleList indices: layers.0.attn
                default -> true; // placeholder and output targets are not written
            };
            if (!ok) {
                throw new UnsafeNodeException(node.name(), "node '" + shorten(node.name()) + "' (" + node.op().fxName()
                        + ") has target '" + shorten(target) + "': a " + (node.op() == Op.CALL_METHOD ? "method name"
                        : "target") + " must be a dotted Python name such as torch.ops.aten.add.Tensor");
            }
            // No lambda or iterator per node: this runs over every node of every upload, and most have no kwargs.
            boolean kwargs = !node.kwargs().isEmpty();
            if (kwargs) {
                node.kwargs().keySet().forEach(k -> {
                    if (!isAsciiIdentifier(k, 0, k.length())) {
                        throw new UnsafeNodeException(node.name(), "node '" + shorten(node.name())
                                + "' has keyword argument '" + shorten(k) + "', which is not a Python identifier");
                    }
                });
            }
            List<Arg> args = node.args();
            for (int i = 0; i < args.size(); i++) {
                requireSafeRepr(node, args.get(i));
            }
            if (kwargs) {
                node.kwargs().values().forEach(a -> requireSafeRepr(node, a));
            }
        }
    }

    private static void requireSafeRepr(Node node, Arg arg) {
        if (arg instanceof Arg.Repr r && !isSafeRepr(r.text())) {
            throw new UnsafeNodeException(node.name(), "node '" + shorten(node.name()) + "' has the argument '"
                    + shorten(r.text()) + "': a verbatim argument must be a dotted name (torch.float32) or a constructor "
                    + "such as device(type='cuda') with literal arguments");
        }
        if (arg instanceof Arg.Tuple t) {
            t.items().forEach(a -> requireSafeRepr(node, a));
        } else if (arg instanceof Arg.ListArg l) {
            l.items().forEach(a -> requireSafeRepr(node, a));
        } else if (arg instanceof Arg.Dict d) {
            d.entries().values().forEach(a -> requireSafeRepr(node, a));
        } else if (arg instanceof Arg.Slice s) {
            requireSafeRepr(node, s.start());
            requireSafeRepr(node, s.stop());
            requireSafeRepr(node, s.step());
        }
    }

    private static boolean isSafeRepr(String text) {
        if (isDotted(text, false) || NUMBER.matcher(text).matches() || text.equals("<static dim>")) {
            return true;
        }
        var call = CONSTRUCTOR.matcher(text);
        return call.matches() && CONSTRUCTORS.contains(call.group(1));
    }

    /** A name written into code as a Python name. */
    static String requireIdentifier(String name) {
        if (!isIdentifier(name)) {
            throw new UnsafeNodeException(name, "the name '" + shorten(name)
                    + "' is not a Python identifier, so the split module cannot be written as Python");
        }
        return name;
    }

    /** A shape or symbolic expression inside an annotation string: sympy's characters only. */
    static boolean isAnnotationText(String text) {
        return text != null && ANNOTATION_TEXT.matcher(text).matches();
    }

    private static final Pattern ANNOTATION_TEXT = Pattern.compile("[\\w +\\-*/%().,]*");

    static boolean isIdentifier(String name) {
        return isAsciiIdentifier(name, 0, name.length()) && !KEYWORDS.contains(name);
    }

    /**
     * Identifiers joined by dots ({@code torch.ops.aten.mm.default}); with {@code indices}, parts may also be
     * numbers. By hand rather than by regex: every node's target passes here.
     */
    private static boolean isDotted(String text, boolean indices) {
        int start = 0;
        while (true) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 ? text.length() : dot;
            if (!isAsciiIdentifier(text, start, end) && !(indices && start > 0 && isDigits(text, start, end))) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    /** {@code [A-Za-z_][A-Za-z0-9_]*} over text[from, to). */
    private static boolean isAsciiIdentifier(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        char first = text.charAt(from);
        if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z' || first == '_')) {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Text for a one-line comment: line breaks and other control characters become spaces. */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? ' ' : c));
        return out.toString();
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "… (" + text.length() + " characters)";
    }
}
