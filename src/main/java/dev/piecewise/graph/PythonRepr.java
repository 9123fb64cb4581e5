package dev.piecewise.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Python source for an argument tree, as torch.fx's code generator prints it. */
public final class PythonRepr {

    private PythonRepr() {
    }

    /** A Python string literal; line breaks and other control characters are escaped, so it stays on its line. */
    public static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        value.codePoints().forEach(c -> {
            if (c == '\\' || c == '\'') {
                out.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                out.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }

    /** @param name how a referenced node is spelled */
    public static String of(Arg arg, Function<String, String> name) {
        if (arg instanceof Arg.Ref ref) {
            return name.apply(ref.name());
        }
        if (arg instanceof Arg.IntLit i) {
            return Long.toString(i.value());
        }
        if (arg instanceof Arg.FloatLit f) {
            return f.text();
        }
        if (arg instanceof Arg.BoolLit b) {
            return b.value() ? "True" : "False";
        }
        if (arg instanceof Arg.NoneLit) {
            return "None";
        }
        if (arg instanceof Arg.Str s) {
            return quoted(s.value());
        }
        if (arg instanceof Arg.Repr r) {
            return r.text();
        }
        if (arg instanceof Arg.Tuple t) {
            List<String> items = t.items().stream().map(a -> of(a, name)).toList();
            return items.size() == 1 ? "(" + items.get(0) + ",)" : "(" + String.join(", ", items) + ")";
        }
        if (arg instanceof Arg.ListArg l) {
            return "[" + String.join(", ", l.items().stream().map(a -> of(a, name)).toList()) + "]";
        }
        if (arg instanceof Arg.Dict d) {
            List<String> entries = new ArrayList<>();
            d.entries().forEach((k, v) -> entries.add(quoted(k) + ": " + of(v, name)));
            return "{" + String.join(", ", entries) + "}";
        }
        Arg.Slice s = (Arg.Slice) arg;
        return "slice(" + of(s.start(), name) + ", " + of(s.stop(), name) + ", " + of(s.step(), name) + ")";
    }
}
