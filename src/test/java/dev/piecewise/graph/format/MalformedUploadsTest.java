package dev.piecewise.graph.format;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every real dump, damaged at random places (cut short, a character dropped, a stray character inserted): the
 * parser either reads it or throws a GraphParseException with a position inside the upload, never anything else;
 * and what it reads partitions without an exception.
 */
class MalformedUploadsTest {

    private static final String STRAY = "()[]{},:;=%'\"\\#.-+*x0 \n\t\r";
    private static final SplittingOps SPLITTING_OPS =
            SplittingOps.parse("oracle::attn,oracle::attn2,oracle::moe,oracle::sdpa,vllm::moe_forward,vllm::unified_attention_with_output");

    static Stream<Path> dumps() throws IOException {
        try (Stream<Path> all = Files.walk(Fixtures.ROOT)) {
            return all.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(txt|py|json|log)$"))
                    .filter(p -> !p.toString().contains("scale")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void damagedDumpsAreReadOrRejectedWithAPosition(Path dump) {
        String text = Fixtures.read(dump);
        Random random = new Random(dump.getFileName().toString().hashCode());
        for (int i = 0; i < 150; i++) {
            int at = random.nextInt(text.length());
            String damaged = switch (i % 3) {
                case 0 -> text.substring(0, at);
                case 1 -> text.substring(0, at) + text.substring(at + 1);
                default -> text.substring(0, at) + STRAY.charAt(random.nextInt(STRAY.length())) + text.substring(at);
            };
            Graph graph;
            try {
                GraphFormat format = GraphFormat.detect(damaged);
                graph = format.read(damaged, null, 0).graph();
            } catch (GraphParseException e) {
                long lines = damaged.lines().count();
                assertThat(e.line()).as("%s damaged at %d (%d): %s", dump, at, i % 3, e.getMessage())
                        .isBetween(1, (int) Math.max(1, lines + 1));
                assertThat(e.column()).as("%s: %s", dump, e.getMessage()).isPositive();
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError(dump + " damaged at " + at + " (" + i % 3 + "): " + e, e);
            }
            // What reads as a graph is partitioned like any upload (the search for a suggestion tries the rest).
            try {
                Partitioner.partition(graph, PartitionOptions.vllmDefaults(SPLITTING_OPS));
            } catch (RuntimeException e) {
                throw new AssertionError(dump + " damaged at " + at + " (" + i % 3 + ") parses, and its partition threw "
                        + e, e);
            }
        }
    }
}
