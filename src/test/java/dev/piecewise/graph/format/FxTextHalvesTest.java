package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dump read in two halves, the second on another thread, gives what reading it line by line gives: the same graph,
 * or the same error at the same line and column. Checked on every real fx-text dump, split at many lines, whole and
 * damaged the ways that make the halves disagree: a reference to a node of the first half or to none, a node moved
 * before what it reads, a name defined twice, a line that does not parse, too many nodes.
 */
class FxTextHalvesTest {

    private static final int IN_ORDER = Integer.MAX_VALUE;

    static Stream<Path> dumps() throws IOException {
        try (Stream<Path> all = Files.walk(Fixtures.ROOT)) {
            return all.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".txt"))
                    .filter(p -> Fixtures.read(p).startsWith("graph(")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void wholeDumpsReadInHalvesAreTheSameGraph(Path dump) {
        String text = Fixtures.read(dump);
        int lines = (int) text.lines().count();
        Graph inOrder = FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, IN_ORDER);
        for (int from : splits(lines, new Random(dump.toString().hashCode()))) {
            Graph inHalves = FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, from);
            assertThat(inHalves.nodes()).as("%s split at line %d", dump, from).isEqualTo(inOrder.nodes());
            assertThat(inHalves.name()).isEqualTo(inOrder.name());
        }
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void damagedDumpsFailAtTheSamePlaceReadInHalves(Path dump) {
        String text = Fixtures.read(dump);
        Random random = new Random(dump.getFileName().toString().hashCode());
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            List<String> lines = new ArrayList<>(text.lines().toList());
            int at = 1 + random.nextInt(lines.size() - 1);
            String damage = damage(lines, at, i % 6, random);
            String damaged = String.join("\n", lines);
            Object expected = outcome(damaged, ParseLimits.DEFAULTS, IN_ORDER);
            if (expected instanceof String) {
                refused++;
            }
            for (int from : splitsAround(lines.size(), at, random)) {
                assertThat(outcome(damaged, ParseLimits.DEFAULTS, from))
                        .as("%s, %s at line %d, split at line %d", dump, damage, at + 1, from).isEqualTo(expected);
            }
        }
        assertThat(refused).as("damage that the parser refuses").isPositive();
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void theNodeLimitIsReachedAtTheSameLineReadInHalves(Path dump) {
        String text = Fixtures.read(dump);
        int lines = (int) text.lines().count();
        Random random = new Random(dump.toString().hashCode());
        for (int maxNodes : new int[] {1, lines / 3, lines / 2, lines - 3, lines - 2}) {
            ParseLimits limits = new ParseLimits(ParseLimits.DEFAULTS.maxNestingDepth(), Math.max(1, maxNodes));
            Object expected = outcome(text, limits, IN_ORDER);
            assertThat(expected).asString().contains("more than " + Math.max(1, maxNodes) + " nodes");
            for (int from : splits(lines, random)) {
                assertThat(outcome(text, limits, from)).as("%s, at most %d nodes, split at line %d", dump, maxNodes, from)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void aSecondHalfBeforeTheHeaderIsReadAsLines() {
        String text = "\n\n\n\ngraph():\n    %x : [num_users=1] = placeholder[target=x]\n    return (x,)\n";
        for (int from = 0; from < 8; from++) {
            assertThat(outcome(text, ParseLimits.DEFAULTS, from)).isEqualTo(outcome(text, ParseLimits.DEFAULTS, IN_ORDER))
                    .isInstanceOf(List.class);
        }
        String headless = "\n\n    %x : [num_users=1] = placeholder[target=x]\n    return (x,)\n";
        assertThat(outcome(headless, ParseLimits.DEFAULTS, 1))
                .isEqualTo("error: line 3, column 5: an fx-text graph starts with 'graph():'");
    }

    /**
     * Node names made to share one String.hashCode ("Aa" and "BB" do) would make the name index walk every one of
     * them at each lookup: the index hashes them again with a seed of its own, and they resolve as any names do.
     */
    @Test
    void nodesNamedToShareOneHashResolveInOrderAndInHalves() {
        List<String> lines = new ArrayList<>(List.of("graph():", "    %x : [num_users=1] = placeholder[target=x]"));
        String previous = "x";
        for (int bits = 0; bits < 1 << 13; bits++) {
            StringBuilder name = new StringBuilder("n");
            for (int k = 0; k < 13; k++) {
                name.append((bits >> k & 1) == 0 ? "Aa" : "BB");
            }
            lines.add("    %" + name + " : [num_users=1] = call_function[target=torch.relu](args = (%" + previous
                    + ",), kwargs = {})");
            previous = name.toString();
        }
        lines.add("    return (" + previous + ",)");
        String text = String.join("\n", lines);
        Graph inOrder = FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, IN_ORDER);
        assertThat(inOrder.size()).isEqualTo((1 << 13) + 2);
        for (int at = 1; at < inOrder.size(); at++) {
            assertThat(inOrder.inputPosition(inOrder.inputsStart(at))).as("node %d reads the one before", at)
                    .isEqualTo(at - 1);
        }
        assertThat(inOrder.indexOf(previous)).isEqualTo(inOrder.size() - 2);
        assertThat(FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, lines.size() / 2).nodes())
                .isEqualTo(inOrder.nodes());
        List<String> twice = new ArrayList<>(lines);
        twice.add(lines.size() - 1, lines.get(lines.size() - 2).replace("args = (%", "args = (%x, %"));
        assertThat(outcome(String.join("\n", twice), ParseLimits.DEFAULTS, lines.size() / 2))
                .isEqualTo(outcome(String.join("\n", twice), ParseLimits.DEFAULTS, IN_ORDER))
                .asString().contains("duplicate node name '" + previous + "'");
    }

    /** Damages line {@code at} one of six ways; says how. */
    private static String damage(List<String> lines, int at, int kind, Random random) {
        String line = lines.get(at);
        switch (kind) {
            case 0 -> {
                int to = 1 + random.nextInt(lines.size() - 1);
                lines.add(to, lines.remove(at));
                return "moved to line " + (to + 1);
            }
            case 1 -> {
                lines.add(at, lines.get(random.nextInt(at)));
                return "an earlier line repeated";
            }
            case 2 -> {
                lines.set(at, line.replaceFirst("%([a-z_0-9]+)(?=[,)\\]])", "%undefined_$1"));
                return "a reference renamed";
            }
            case 3 -> {
                int cut = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, cut));
                return "cut at column " + (cut + 1);
            }
            case 4 -> {
                int col = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, col) + "()[]{},:=%'x".charAt(random.nextInt(12)) + line.substring(col));
                return "a character inserted at column " + (col + 1);
            }
            default -> {
                lines.set(at, line.replaceFirst("%([a-z_0-9]+)(?=[,)\\]])", "%undefined_$1").replaceFirst("\\)$", ""));
                return "a reference renamed and the line cut";
            }
        }
    }

    /** The graph's nodes, or the error with its place: what two readings of a dump must agree on. */
    private static Object outcome(String text, ParseLimits limits, int secondHalfFrom) {
        try {
            return FxTextParser.parse(text, "g", limits, secondHalfFrom).nodes();
        } catch (GraphParseException e) {
            return "error: " + e.getMessage();
        }
    }

    /** The first lines, the last, the middle and some at random. */
    private static int[] splits(int lines, Random random) {
        int[] splits = {0, 1, 2, lines / 2, lines - 2, lines - 1, lines, random.nextInt(lines), random.nextInt(lines)};
        return Arrays.stream(splits).filter(s -> s >= 0).distinct().toArray();
    }

    /** Lines on both sides of a damaged line, and the line itself. */
    private static int[] splitsAround(int lines, int at, Random random) {
        int[] splits = {at - 2, at - 1, at, at + 1, at + 2, lines / 2, random.nextInt(lines)};
        return Arrays.stream(splits).filter(s -> s >= 0).distinct().toArray();
    }
}
