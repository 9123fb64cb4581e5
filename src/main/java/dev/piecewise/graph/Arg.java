package dev.piecewise.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** An argument tree of an FX node: node references may sit anywhere inside tuples, lists, dicts and slices. */
public sealed interface Arg {

    /** A reference to an earlier node, by name. */
    record Ref(String name) implements Arg {
    }

    record IntLit(long value) implements Arg {
        /** Small ints (dims, -1, sizes of small tuples) fill graphs by the hundred thousand: one object each. */
        private static final IntLit[] SMALL = java.util.stream.LongStream.rangeClosed(-128, 1024)
                .mapToObj(IntLit::new).toArray(IntLit[]::new);

        /** The int literal {@code value}, shared when it is small. */
        public static IntLit of(long value) {
            return value >= -128 && value <= 1024 ? SMALL[(int) value + 128] : new IntLit(value);
        }
    }

    /**
     * A float, kept as Python's {@code repr} prints it ({@code 1e-06}, {@code 2.0}, {@code inf}) whichever way
     * the upload spelled it, so the same value from different formats compares equal.
     */
    record FloatLit(String text) implements Arg {
        public FloatLit {
            text = PythonFloats.repr(text);
        }
    }

    record BoolLit(boolean value) implements Arg {
    }

    record NoneLit() implements Arg {
    }

    /** A string; FX prints these without quotes ({@code model.layers.0.attn}, {@code shape}). */
    record Str(String value) implements Arg {
    }

    /** Anything else FX prints by its repr: dtypes, devices, Ellipsis. */
    record Repr(String text) implements Arg {
    }

    record Tuple(List<Arg> items) implements Arg {
        public Tuple {
            items = List.copyOf(items);
        }
    }

    record ListArg(List<Arg> items) implements Arg {
        public ListArg {
            items = List.copyOf(items);
        }
    }

    record Dict(Map<String, Arg> entries) implements Arg {
        public Dict {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    record Slice(Arg start, Arg stop, Arg step) implements Arg {
    }

    NoneLit NONE = new NoneLit();

    /** {@code {}}: the kwargs of most nodes, shared. */
    Dict EMPTY_DICT = new Dict(Map.of());

    /** Visits every node reference depth-first, in the order torch.fx's map_arg does. */
    static void forEachRef(Arg arg, Consumer<String> action) {
        // Indexed loops, no iterators or lambdas: every edge of every graph passes here several times.
        if (arg instanceof Ref ref) {
            action.accept(ref.name());
        } else if (arg instanceof Tuple t) {
            forEachRef(t.items(), action);
        } else if (arg instanceof ListArg l) {
            forEachRef(l.items(), action);
        } else if (arg instanceof Dict d) {
            if (!d.entries().isEmpty()) {
                for (Arg value : d.entries().values()) {
                    forEachRef(value, action);
                }
            }
        } else if (arg instanceof Slice s) {
            forEachRef(s.start(), action);
            forEachRef(s.stop(), action);
            forEachRef(s.step(), action);
        }
    }

    /** How many references {@link #forEachRef(Arg, Consumer)} visits in {@code arg}. */
    static int refCount(Arg arg) {
        if (arg instanceof Ref) {
            return 1;
        }
        int[] count = {0};
        forEachRef(arg, ref -> count[0]++);
        return count[0];
    }

    /** {@link #forEachRef(Arg, Consumer)} over each argument of a list, in order. */
    static void forEachRef(List<Arg> args, Consumer<String> action) {
        for (int i = 0, n = args.size(); i < n; i++) {
            forEachRef(args.get(i), action);
        }
    }

    /** Rebuilds the tree with every reference replaced by {@code replace.apply(name)}. */
    static Arg mapRefs(Arg arg, Function<String, Arg> replace) {
        if (arg instanceof Ref ref) {
            return replace.apply(ref.name());
        } else if (arg instanceof Tuple t) {
            return new Tuple(t.items().stream().map(a -> mapRefs(a, replace)).toList());
        } else if (arg instanceof ListArg l) {
            return new ListArg(l.items().stream().map(a -> mapRefs(a, replace)).toList());
        } else if (arg instanceof Dict d) {
            Map<String, Arg> entries = new LinkedHashMap<>();
            d.entries().forEach((k, v) -> entries.put(k, mapRefs(v, replace)));
            return new Dict(entries);
        } else if (arg instanceof Slice s) {
            return new Slice(mapRefs(s.start(), replace), mapRefs(s.stop(), replace), mapRefs(s.step(), replace));
        }
        return arg;
    }
}
