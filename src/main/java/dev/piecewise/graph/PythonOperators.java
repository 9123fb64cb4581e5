package dev.piecewise.graph;

import java.util.HashMap;
import java.util.Map;

/** Python's operators and the {@code operator.*} functions FX calls for them, both ways. */
public final class PythonOperators {

    /** Infix symbol to {@code operator} function name: {@code +} is {@code add}. */
    public static final Map<String, String> BINARY = Map.ofEntries(
            Map.entry("+", "add"), Map.entry("-", "sub"), Map.entry("*", "mul"), Map.entry("/", "truediv"),
            Map.entry("//", "floordiv"), Map.entry("%", "mod"), Map.entry("**", "pow"), Map.entry("@", "matmul"),
            Map.entry("&", "and_"), Map.entry("|", "or_"), Map.entry("^", "xor"), Map.entry("<<", "lshift"),
            Map.entry(">>", "rshift"), Map.entry("==", "eq"), Map.entry("!=", "ne"), Map.entry("<", "lt"),
            Map.entry("<=", "le"), Map.entry(">", "gt"), Map.entry(">=", "ge"));

    /** Prefix symbol to {@code operator} function name. */
    public static final Map<String, String> UNARY = Map.of("-", "neg", "+", "pos", "~", "invert", "not", "not_");

    /** In-place symbol to {@code operator} function name: {@code +=} is {@code iadd}. */
    public static final Map<String, String> AUGMENTED = Map.ofEntries(
            Map.entry("+=", "iadd"), Map.entry("-=", "isub"), Map.entry("*=", "imul"), Map.entry("/=", "itruediv"),
            Map.entry("//=", "ifloordiv"), Map.entry("%=", "imod"), Map.entry("**=", "ipow"), Map.entry("@=", "imatmul"),
            Map.entry("&=", "iand"), Map.entry("|=", "ior"), Map.entry("^=", "ixor"), Map.entry("<<=", "ilshift"),
            Map.entry(">>=", "irshift"));

    /** {@code operator} function name to infix symbol. */
    public static final Map<String, String> BINARY_SYMBOL = invert(BINARY);

    /** {@code operator} function name to prefix symbol ({@code not } with its space). */
    public static final Map<String, String> UNARY_SYMBOL = Map.of("neg", "-", "pos", "+", "invert", "~", "not_", "not ");

    private PythonOperators() {
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverse = new HashMap<>();
        map.forEach((k, v) -> inverse.put(v, k));
        return Map.copyOf(inverse);
    }

    /**
     * The value of a Python keyword or constant name FX prints bare ({@code None}, {@code True}, {@code inf},
     * {@code ...}), or null when {@code token} is none of them.
     */
    public static Arg constant(String token) {
        switch (token) {
            case "None":
                return Arg.NONE;
            case "True":
                return new Arg.BoolLit(true);
            case "False":
                return new Arg.BoolLit(false);
            case "inf":
            case "-inf":
            case "nan":
                return new Arg.FloatLit(token);
            case "...":
            case "Ellipsis":
                return new Arg.Repr("Ellipsis");
            default:
                return null;
        }
    }
}
