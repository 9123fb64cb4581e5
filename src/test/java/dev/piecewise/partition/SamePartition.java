package dev.piecewise.partition;

import static org.assertj.core.api.Assertions.assertThat;

/** Two partitions of one graph under one option set, made different ways, that must not differ in what they report. */
final class SamePartition {

    private SamePartition() {
    }

    static void assertSamePartition(PartitionResult actual, PartitionResult expected) {
        assertThat(actual.outcome()).isEqualTo(expected.outcome());
        assertThat(actual.error()).isEqualTo(expected.error());
        assertThat(actual.suggestion()).isEqualTo(expected.suggestion());
        assertThat(actual.submodules()).isEqualTo(expected.submodules());
        assertThat(actual.crossings()).isEqualTo(expected.crossings());
        assertThat(actual.problems()).isEqualTo(expected.problems());
        assertThat(actual.relocations()).isEqualTo(expected.relocations());
        assertThat(actual.diagnostics()).isEqualTo(expected.diagnostics());
        assertThat(actual.emissionOrder()).isEqualTo(expected.emissionOrder());
        assertThat(actual.createdNodes()).isEqualTo(expected.createdNodes());
    }
}
