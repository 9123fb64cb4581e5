package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.ParsedUpload;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.GlobalStateCopy;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.PartitionResult;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written serializers write what Jackson's record serializer writes, byte for byte. */
class PartitionRecordsJsonTest {

    /** Jackson's own record serializers, with the enums by id as the service writes them. */
    private static final JsonMapper RECORDS = JsonMapper.builder().addModule(RunJson.idsModule())
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    @Test
    void everyFixtureUnderEveryStrategyIsWrittenAsJacksonWritesItsRecords() {
        int runs = 0;
        for (String fixture : Fixtures.cases()) {
            if (!Fixtures.exists(fixture, "graph.txt")) {
                continue;
            }
            String text = Fixtures.read(fixture, "graph.txt");
            ParsedUpload upload = GraphFormat.detect(text).read(text, "g", 0);
            List<String> ops = Fixtures.expected(fixture).get("splittingOps").values().stream()
                    .map(tools.jackson.databind.JsonNode::asString).toList();
            for (SizeStrategy strategy : SizeStrategy.values()) {
                PartitionOptions options = PartitionOptions.vllmDefaults(new SplittingOps(ops))
                        .with(strategy, GetitemRule.VLLM);
                PartitionResult result = Partitioner.partition(upload.graph(), options);
                RunReport run = RunReports.report("id", "g", Instant.parse("2026-12-01T10:00:00Z"), options, upload,
                        "sha", text.length(), result, null, List.of());
                assertThat(RunJson.MAPPER.writeValueAsString(run)).as(fixture + " " + strategy.id())
                        .isEqualTo(RECORDS.writeValueAsString(run));
                List<RunDocument.NodeRow> rows = RunDocument.rows(result.graph());
                assertThat(RunJson.MAPPER.writeValueAsString(rows)).as(fixture + " " + strategy.id() + " nodes")
                        .isEqualTo(RECORDS.writeValueAsString(rows));
                runs++;
            }
        }
        assertThat(runs).isGreaterThan(50);
    }

    /** A record of each kind written by hand, with nulls, escapes and global-state copies. */
    static List<Object> samples() {
        return List.of(
                new Submodule("submod_0", 0, false, List.of("a\"b", "é\n"),
                        List.of(new SubmoduleValue("x", null, true), new SubmoduleValue("s", ValueKind.SIZE, false)),
                        List.of(), List.of(new GlobalStateCopy("_enter_autocast", "enter"))),
                new Crossing("v\\", null, "submod_0", List.of("submod_1", "output"), true),
                new Crossing("w", ValueKind.SYMINT, "submod_2", List.of(), false),
                new RunDocument.NodeRow("x", dev.piecewise.graph.Op.PLACEHOLDER, "x", null),
                new RunDocument.NodeRow("y\t", null, null, ValueKind.TUPLE));
    }

    /** The records as Jackson's own record serializer writes them. */
    static String asRecords(Object value) {
        return RECORDS.writeValueAsString(value);
    }

    @Test
    void nullsEscapesCopiesAndIndentationAreWrittenAlike() {
        List<Object> values = samples();
        assertThat(RunJson.MAPPER.writeValueAsString(values)).isEqualTo(RECORDS.writeValueAsString(values));
        assertThat(RunJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(values))
                .isEqualTo(RECORDS.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(values))
                .contains("\n");
    }
}
