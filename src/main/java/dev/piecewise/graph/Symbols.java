package dev.piecewise.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Free symbols of sympy-printed shape expressions such as {@code 2*s77 + 1} or {@code Max(1, u0)}. */
public final class Symbols {

    // An identifier not followed by '(' is a symbol; followed by '(' it is a sympy function (Max, floor, ...).
    // Possessive, so "Max(" is not taken for "Ma"; not after a digit, so "1e5" holds no symbol.
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![0-9.A-Za-z_])[A-Za-z_][A-Za-z0-9_]*+(?!\\s*\\()");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private Symbols() {
    }

    public static boolean isStatic(String dim) {
        return INTEGER.matcher(dim.trim()).matches();
    }

    /** True when {@code expr} is exactly one symbol (what split_module binds a symbol to). */
    public static boolean isPlainSymbol(String expr) {
        return expr != null && expr.matches("[A-Za-z_][A-Za-z0-9_]*") && !expr.equals("True") && !expr.equals("False");
    }

    static List<String> freeSymbols(ValueInfo value) {
        if (value == null) {
            return List.of();
        }
        Set<String> symbols = new TreeSet<>(); // split_module sorts them as strings
        collect(value, symbols);
        return new ArrayList<>(symbols);
    }

    private static void collect(ValueInfo value, Set<String> into) {
        if (value.shape() != null) {
            value.shape().forEach(dim -> addSymbols(dim, into));
        }
        if (value.expr() != null && value.kind() != ValueKind.BOOL && value.kind() != ValueKind.INT
                && value.kind() != ValueKind.FLOAT) {
            addSymbols(value.expr(), into);
        }
        if (value.items() != null) {
            value.items().forEach(item -> collect(item, into));
        }
    }

    private static void addSymbols(String expr, Set<String> into) {
        Matcher m = IDENTIFIER.matcher(expr);
        while (m.find()) {
            String id = m.group();
            if (!id.equals("True") && !id.equals("False") && !id.equals("oo") && !id.equals("zoo")) {
                into.add(id);
            }
        }
    }
}
