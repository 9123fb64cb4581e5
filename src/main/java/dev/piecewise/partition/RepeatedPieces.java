package dev.piecewise.partition;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.ValueInfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds submodules whose graphs are the same up to node names, so a run can say which pieces vLLM compiles
 * once (src/docs/architecture.md, "Repeated pieces").
 *
 * <p>Each submodule's graph, as split_module builds it, is hashed with SHA-256 over: its inputs by position with
 * their kind, shape and dtype (parameters and attributes are inputs there); every node's opcode, target, kind,
 * shape, dtype and arguments, where a reference is written as the position of a node of the same submodule or of
 * an input, never as a name; and its outputs the same way. Constants (vLLM's layer-name strings included) and
 * module targets count as they are written, so two pieces are grouped only when they are the same graph. Each
 * node is hashed once: linear in the size of the graph.
 */
public final class RepeatedPieces {

    private RepeatedPieces() {
    }

    /**
     * @param pieces           every submodule
     * @param distinct         how many different graphs they are
     * @param compiledPieces   the submodules vLLM compiles (those without a splitting op)
     * @param distinctCompiled how many different graphs those are
     * @param groups           the graphs that occur more than once, in the order of their first submodule
     */
    public record Repetition(int pieces, int distinct, int compiledPieces, int distinctCompiled, List<Group> groups) {
        public Repetition {
            groups = List.copyOf(groups);
        }
    }

    /**
     * @param hash       the first 16 hex digits of the structural hash: equal pieces of any run share it
     * @param splitting  whether the pieces hold a splitting op (vLLM runs those as they are)
     * @param nodeCount  the nodes of one piece
     * @param submodules the pieces, in graph-id order
     */
    public record Group(String hash, boolean splitting, int nodeCount, List<String> submodules) {
        public Group {
            submodules = List.copyOf(submodules);
        }
    }

    /** @param graph the graph the submodules were cut from (after the strategy's rewrites); null when the split failed */
    public static Repetition find(List<Submodule> submodules, Graph graph) {
        return graph == null ? null : group(submodules, hashes(submodules, graph));
    }

    /**
     * The structural hash of each submodule, in order: each depends on its submodule alone, so a caller may hash
     * parts of the list on several threads and {@link #group} the hashes.
     */
    public static List<String> hashes(List<Submodule> submodules, Graph graph) {
        StructuralHash hash = new StructuralHash(graph);
        List<String> hashes = new ArrayList<>(submodules.size());
        for (Submodule submodule : submodules) {
            hashes.add(hash.of(submodule));
        }
        return hashes;
    }

    /** @param hashes {@link #hashes} of {@code submodules}, in the same order */
    public static Repetition group(List<Submodule> submodules, List<String> hashes) {
        Map<String, List<Submodule>> byHash = new LinkedHashMap<>();
        for (int i = 0; i < submodules.size(); i++) {
            byHash.computeIfAbsent(hashes.get(i), k -> new ArrayList<>(1)).add(submodules.get(i));
        }
        List<Group> groups = new ArrayList<>();
        int compiled = 0;
        int distinctCompiled = 0;
        for (Map.Entry<String, List<Submodule>> e : byHash.entrySet()) {
            Submodule first = e.getValue().get(0);
            if (!first.splitting()) {
                compiled += e.getValue().size();
                distinctCompiled++;
            }
            if (e.getValue().size() > 1) {
                groups.add(new Group(e.getKey(), first.splitting(), first.nodes().size(),
                        e.getValue().stream().map(Submodule::name).toList()));
            }
        }
        return new Repetition(submodules.size(), byHash.size(), compiled, distinctCompiled, groups);
    }

    /** Feeds a canonical byte form of one submodule's graph to a digest, through a buffer: no string per node. */
    private static final class StructuralHash {
        private static final byte INPUT = 1;
        private static final byte LOCAL = 2;
        private static final byte OUTSIDE = 3;

        private final MessageDigest digest;
        private final byte[] buffer = new byte[8192];
        private int length;
        private final Graph graph;
        /**
         * What each graph position is in the submodule being hashed, valid where {@code numberedIn[at]} is that
         * submodule's turn: {@code 2n} for its n-th input, {@code 2n + 1} for its n-th node. Arrays by position,
         * reused from one submodule to the next, rather than two maps by name for each of a million submodules.
         */
        private final int[] numberedIn;
        private final int[] number;
        private int turn;
        private int inputCount;
        private int localCount;
        /** Where the next reference of the node being hashed is in {@link Graph#inputPosition}. */
        private int nextInput;
        /** Numbers of names that are not the graph's (a copy split_module made): rare, kept by name. */
        private Map<String, Integer> unknownNames;
        /** The position of the last node hashed: the next submodule's first node usually follows it. */
        private int lastPosition = -1;

        StructuralHash(Graph graph) {
            this.graph = graph;
            this.numberedIn = new int[graph.size()];
            this.number = new int[graph.size()];
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        String of(Submodule submodule) {
            turn++;
            inputCount = 0;
            localCount = 0;
            unknownNames = null;
            Map<String, String> copyOf = submodule.copies().isEmpty() ? Map.of() : new HashMap<>();
            submodule.copies().forEach(c -> copyOf.put(c.name(), c.of()));
            integer(submodule.splitting() ? 1 : 0);
            integer(submodule.inputs().size());
            for (SubmoduleValue input : submodule.inputs()) {
                int at = graph.indexOf(input.name());
                numberName(at, input.name(), 2 * inputCount++);
                integer(input.threaded() ? 1 : 0);
                value(at < 0 ? ValueInfo.of(input.kind()) : graph.nodes().get(at).value());
            }
            integer(submodule.nodes().size());
            int at = lastPosition;
            for (String name : submodule.nodes()) {
                at = positionOf(name, at + 1);
                // A grad-mode or autocast copy is the node it copies, reading this submodule's values.
                String of = copyOf.get(name);
                int hashed = of != null ? graph.indexOf(of) : at;
                if (hashed < 0) {
                    text(name); // not in the graph: nothing structural is known, so the name itself decides
                } else {
                    node(hashed);
                }
                numberName(at, name, 2 * localCount++ + 1);
                lastPosition = at;
            }
            integer(submodule.outputs().size());
            for (SubmoduleValue output : submodule.outputs()) {
                ref(output.name());
                text(output.kind().id());
            }
            flush();
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        }

        /**
         * The position of the node named {@code name}: a submodule's nodes are in graph order and mostly consecutive,
         * so {@code guess} (the one after the previous node's) usually is it, without a lookup in the name index.
         */
        private int positionOf(String name, int guess) {
            return guess >= 0 && guess < graph.size() && graph.nodes().get(guess).name().equals(name)
                    ? guess : graph.indexOf(name);
        }

        /**
         * The node at {@code at}. Its references are hashed by the positions the graph resolved for them, in the
         * order {@link Node#forEachInput} visits them, which is the order {@link #arg} walks the arguments.
         */
        private void node(int at) {
            Node node = graph.nodes().get(at);
            nextInput = graph.inputsStart(at);
            integer(node.op().ordinal());
            text(node.target());
            value(node.value());
            integer(node.args().size());
            args(node.args());
            integer(node.kwargs().size());
            node.kwargs().forEach((key, arg) -> {
                text(key);
                arg(arg);
            });
        }

        /**
         * Numbers a name, at {@code at} in the graph or -1, as an input or a node of this submodule; a node's number
         * replaces an input's.
         */
        private void numberName(int at, String name, int code) {
            if (at >= 0) {
                numberedIn[at] = turn;
                number[at] = code;
            } else {
                unknownNames = unknownNames == null ? new HashMap<>() : unknownNames;
                unknownNames.put(name, code);
            }
        }

        private void ref(String name) {
            ref(graph.indexOf(name), name);
        }

        private void ref(int at, String name) {
            Integer unknown = at < 0 && unknownNames != null ? unknownNames.get(name) : null;
            int code = at >= 0 && numberedIn[at] == turn ? number[at] : unknown != null ? unknown : -1;
            if (code >= 0 && code % 2 == 1) {
                tag(LOCAL);
                integer(code / 2);
            } else if (code >= 0) {
                tag(INPUT);
                integer(code / 2);
            } else {
                tag(OUTSIDE); // split_module makes every outside value an input; kept apart should that ever fail
                text(name);
            }
        }

        /** Indexed, no iterator or lambda: every argument of every node passes here. */
        private void args(List<Arg> args) {
            for (int i = 0, n = args.size(); i < n; i++) {
                arg(args.get(i));
            }
        }

        private void arg(Arg arg) {
            if (arg instanceof Arg.Ref r) {
                tag((byte) 10);
                int at = graph.inputPosition(nextInput++);
                ref(at >= 0 ? at : graph.indexOf(r.name()), r.name());
            } else if (arg instanceof Arg.IntLit i) {
                tag((byte) 11);
                integer(i.value());
            } else if (arg instanceof Arg.FloatLit f) {
                tag((byte) 12);
                text(f.text());
            } else if (arg instanceof Arg.BoolLit b) {
                tag((byte) 13);
                integer(b.value() ? 1 : 0);
            } else if (arg instanceof Arg.NoneLit) {
                tag((byte) 14);
            } else if (arg instanceof Arg.Str s) {
                tag((byte) 15);
                text(s.value());
            } else if (arg instanceof Arg.Repr r) {
                tag((byte) 16);
                text(r.text());
            } else if (arg instanceof Arg.Tuple t) {
                tag((byte) 17);
                integer(t.items().size());
                args(t.items());
            } else if (arg instanceof Arg.ListArg l) {
                tag((byte) 18);
                integer(l.items().size());
                args(l.items());
            } else if (arg instanceof Arg.Dict d) {
                tag((byte) 19);
                integer(d.entries().size());
                d.entries().forEach((key, value) -> {
                    text(key);
                    arg(value);
                });
            } else if (arg instanceof Arg.Slice s) {
                tag((byte) 20);
                arg(s.start());
                arg(s.stop());
                arg(s.step());
            }
        }

        private void value(ValueInfo value) {
            if (value == null) {
                tag((byte) 0);
                return;
            }
            tag((byte) 1);
            text(value.kind().id());
            strings(value.shape());
            text(value.dtype());
            text(value.expr());
            if (value.items() == null) {
                integer(-1);
            } else {
                integer(value.items().size());
                value.items().forEach(this::value);
            }
        }

        private void strings(List<String> items) {
            if (items == null) {
                integer(-1);
                return;
            }
            integer(items.size());
            for (int i = 0, n = items.size(); i < n; i++) {
                text(items.get(i));
            }
        }

        /** Length, then each char: ASCII as one byte, any other as a 0xFF marker and its two bytes. */
        private void text(String s) {
            if (s == null) {
                integer(-1);
                return;
            }
            integer(s.length());
            boolean fits = 3 * s.length() <= buffer.length;
            if (fits) {
                room(3 * s.length()); // then no check per character
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!fits) {
                    room(3);
                }
                if (c < 0x80) {
                    buffer[length++] = (byte) c;
                } else {
                    buffer[length++] = (byte) 0xFF;
                    buffer[length++] = (byte) (c >> 8);
                    buffer[length++] = (byte) c;
                }
            }
        }

        private void integer(long v) {
            room(9);
            if (v == (int) v) { // most are small: four bytes after a marker
                buffer[length++] = 4;
                for (int shift = 24; shift >= 0; shift -= 8) {
                    buffer[length++] = (byte) (v >> shift);
                }
                return;
            }
            buffer[length++] = 8;
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (v >> shift);
            }
        }

        private void tag(byte b) {
            room(1);
            buffer[length++] = b;
        }

        private void room(int bytes) {
            if (length + bytes > buffer.length) {
                flush();
            }
        }

        private void flush() {
            digest.update(buffer, 0, length);
            length = 0;
        }
    }
}
