package dev.piecewise.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Python source for an argument tree, as torch.fx's code generator prints it. */
public final class PythonRepr {

    private PythonRepr() {
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
            return "'" + s.value().replace("\\", "\\\\").replace("'", "\\'") + "'";
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
            d.entries().forEach((k, v) -> entries.add("'" + k + "': " + of(v, name)));
            return "{" + String.join(", ", entries) + "}";
        }
        Arg.Slice s = (Arg.Slice) arg;
        return "slice(" + of(s.start(), name) + ", " + of(s.stop(), name) + ", " + of(s.step(), name) + ")";
    }
}
