package dev.piecewise.graph.format;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import org.junit.jupiter.api.Test;

import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile sizes: every parser rejects nesting past the cap with a parse error and reads huge flat inputs. */
class ParseLimitsTest {

    private static final int DEEP = 100_000;
    private static final int WIDE = 1_000_000;

    private static void assertTooDeep(GraphFormat format, String text, int line) {
        assertThatThrownBy(() -> format.read(text, null, 0))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.reason()).contains("nesting deeper than " + ParseLimits.DEFAULT_MAX_NESTING_DEPTH)
                            .contains("piecewise.limits.max-nesting-depth");
                    assertThat(e.line()).isEqualTo(line);
                });
    }

    @Test
    void nestingDeeperThanTheCapIsAParseErrorInEveryFormat() {
        String open = "(".repeat(DEEP);
        String close = ")".repeat(DEEP);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = torch.f(" + open + "x" + close + ")\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = x + " + "-".repeat(DEEP) + "x\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = x" + " + x".repeat(DEEP) + "\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = x" + ".a".repeat(DEEP) + "\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = x" + "[0]".repeat(DEEP) + "\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_PYTHON, "def forward(self, x):\n    y = x" + "()".repeat(DEEP) + "\n    return y\n", 2);
        assertTooDeep(GraphFormat.FX_TEXT, "graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y : [num_users=1] = call_function[target=f](args = (" + open + "%x" + close + ",), kwargs = {})\n"
                + "    return y\n", 3);
        assertTooDeep(GraphFormat.FX_JSON, "{\"format\": \"fx-graph-json/1\",\n\"nodes\": " + "[".repeat(DEEP)
                + "]".repeat(DEEP) + "}", 2);
    }

    @Test
    void aCustomCapIsHonouredAndNamedInTheError() {
        ParseLimits limits = new ParseLimits(4, 10);
        String nested = "def forward(self, x):\n    y = torch.f(((((x)))))\n    return y\n";
        assertThat(GraphFormat.FX_PYTHON.read(nested, null, 0).graph().nodes()).hasSize(3);
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.read(nested, null, 0, limits))
                .isInstanceOf(GraphParseException.class).hasMessageContaining("nesting deeper than 4");
        StringBuilder code = new StringBuilder("def forward(self, x):\n");
        for (int i = 0; i < 12; i++) {
            code.append("    y").append(i).append(" = x.sin()\n");
        }
        code.append("    return x\n");
        assertThatThrownBy(() -> GraphFormat.FX_PYTHON.read(code.toString(), null, 0, limits))
                .isInstanceOfSatisfying(GraphParseException.class, e -> {
                    assertThat(e.reason()).contains("more than 10 nodes").contains("piecewise.limits.max-nodes");
                    assertThat(e.line()).isEqualTo(11);
                });
        assertThatThrownBy(() -> new ParseLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void millionElementArgumentListsParseInEveryFormat() {
        StringJoiner python = new StringJoiner(", ");
        StringJoiner text = new StringJoiner(", ");
        StringJoiner json = new StringJoiner(", ");
        for (int i = 0; i < WIDE; i++) {
            python.add(Integer.toString(i));
            text.add(Integer.toString(i));
            json.add(Integer.toString(i));
        }
        Graph fromPython = GraphFormat.FX_PYTHON.parse("def forward(self, x):\n    y = torch.f(x, [" + python + "])\n"
                + "    return y\n", null);
        Graph fromText = GraphFormat.FX_TEXT.parse("graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y : [num_users=1] = call_function[target=torch.f](args = (%x, [" + text + "]), kwargs = {})\n"
                + "    return y\n", null);
        Graph fromJson = GraphFormat.FX_JSON.parse("{\"format\": \"fx-graph-json/1\", \"nodes\": [\n"
                + "{\"name\": \"x\", \"op\": \"placeholder\", \"target\": \"x\"},\n"
                + "{\"name\": \"y\", \"op\": \"call_function\", \"target\": \"torch.f\", \"args\": [{\"node\": \"x\"}, {\"list\": [" + json + "]}]},\n"
                + "{\"name\": \"output\", \"op\": \"output\", \"args\": [{\"node\": \"y\"}]}]}", null);
        assertThat(fromPython.node("y").args()).isEqualTo(fromText.node("y").args()).isEqualTo(fromJson.node("y").args());
        assertThat(fromPython.node("y").args().get(1)).isInstanceOfSatisfying(dev.piecewise.graph.Arg.ListArg.class,
                l -> assertThat(l.items()).hasSize(WIDE));
    }

    @Test
    void hundredThousandNodeGraphsParse() {
        StringBuilder python = new StringBuilder("def forward(self, x):\n    y0 = x.sin()\n");
        StringBuilder text = new StringBuilder("graph():\n    %x : [num_users=1] = placeholder[target=x]\n"
                + "    %y0 : [num_users=1] = call_method[target=sin](args = (%x,), kwargs = {})\n");
        int nodes = DEEP;
        for (int i = 1; i < nodes; i++) {
            python.append("    y").append(i).append(" = y").append(i - 1).append(" + 1;  y").append(i - 1).append(" = None\n");
            text.append("    %y").append(i).append(" : [num_users=1] = call_function[target=operator.add](args = (%y")
                    .append(i - 1).append(", 1), kwargs = {})\n");
        }
        python.append("    return y").append(nodes - 1).append('\n');
        text.append("    return y").append(nodes - 1).append('\n');
        assertThat(GraphFormat.FX_PYTHON.parse(python.toString(), null).nodes()).hasSize(nodes + 2);
        assertThat(GraphFormat.FX_TEXT.parse(text.toString(), null).nodes()).hasSize(nodes + 2);
    }

    /**
     * Blank lines cost a dump no index room: 40 MB of them once made the name index and the input arrays, sized by
     * the line count, ask for 2 GB, and a 50 MB upload failed with OutOfMemoryError under a 1 GB heap.
     */
    @Test
    void blankLinesDoNotSizeTheNameIndex() {
        int blank = 2_000_000;
        String text = "graph():\n" + "\n".repeat(blank) + "    %x : [num_users=1] = placeholder[target=x]\n"
                + "    return (x,)\n";
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Graph inOrder = FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, Integer.MAX_VALUE);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(inOrder.size()).isEqualTo(2);
        // The line table takes 8 bytes a line, 24 while it grows; an index and input arrays sized by lines took 36 more.
        assertThat(allocated).isLessThan(32L * blank);
        assertThat(FxTextParser.parse(text, "g", ParseLimits.DEFAULTS, blank / 2).nodes()).isEqualTo(inOrder.nodes());
    }
}
