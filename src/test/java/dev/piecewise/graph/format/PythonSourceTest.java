package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The log prefix of TORCH_LOGS=graph_code records, read by hand, against the regex it replaced. */
class PythonSourceTest {

    /** What a record's prefix is, as a regex: the reference the hand-written reader must agree with. */
    private static final Pattern PREFIX = Pattern.compile("^[A-Z]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d+\\s+\\d+\\s+\\S+\\]"
            + "(?: \\[[^\\]]*\\])* \\[__graph_code\\] ?");

    private static int byRegex(String line) {
        Matcher m = PREFIX.matcher(line);
        return m.find() ? m.end() : -1;
    }

    @Test
    void findsTheCodeOfEveryRecordOfARealLog() {
        String log = Fixtures.read(Fixtures.ROOT.resolve("formats/torch-2.11-TORCH_LOGS-graph_code.log"));
        int records = 0;
        for (String line : log.split("\n")) {
            assertThat(PythonSource.codeStart(line)).as(line).isEqualTo(byRegex(line));
            records += byRegex(line) >= 0 ? 1 : 0;
        }
        assertThat(records).isGreaterThan(50);
    }

    @Test
    void agreesWithTheRegexOnLinesNearAPrefix() {
        List<String> lines = new ArrayList<>(List.of(
                "V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [0/0] [__graph_code] def forward(self):",
                "V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [__graph_code]",
                "V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [__graph_code]x",
                "V1128 01:54:41.117000 413 torch/_dynamo/output_graph.py:2417] [__graph_code]  x",
                "V1128 01:54:41.117000\t413\tf.py:1] [0/0] [__graph_code] [__graph_code] [x] code",
                "V1128 01:54:41.117000 413 f.py:1] [0/0] [__graph_code] [x",
                "V1128 01:54:41.117000 413 a]b] [__graph_code] code",
                "V1128 01:54:41.117000 413 f.py:1]x [__graph_code] code",
                "V1128 01:54:41.117000 413 ] [__graph_code] code",
                "V1128 01:54:41. 413 f.py:1] [__graph_code] code",
                "V11280 01:54:41.1 413 f.py:1] [__graph_code] code",
                "v1128 01:54:41.1 413 f.py:1] [__graph_code] code",
                "I1128 01:54:41.1 413 f.py:1] [0/0] [__guards] code",
                "        add = x + y", "", "V1128"));
        // Each of them with characters replaced, inserted and removed, as a cut or mangled log has them.
        Random random = new Random(11);
        String alphabet = "V0123456789 .:][_\t/agx\f\u000Bé";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(lines.get(i % 16));
            for (int edits = 1 + random.nextInt(3); edits > 0 && !line.isEmpty(); edits--) {
                int at = random.nextInt(line.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> line.setCharAt(at, c);
                    case 1 -> line.insert(at, c);
                    default -> line.deleteCharAt(at);
                }
            }
            lines.add(line.toString());
        }
        int matched = 0;
        for (String line : lines) {
            assertThat(PythonSource.codeStart(line)).as(line).isEqualTo(byRegex(line));
            matched += byRegex(line) >= 0 ? 1 : 0;
        }
        assertThat(matched).isBetween(1_000, lines.size() - 1_000);
    }
}
