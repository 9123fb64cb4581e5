package dev.piecewise.partition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SplittingOpsTest {

    @Test
    void repeatedNamesCountOnceInTheirFirstOrder() {
        assertThat(SplittingOps.parse("a::x, b::y\na::x b::y c::z").names()).containsExactly("a::x", "b::y", "c::z");
    }

    /** A million names, half of them repeated: linear de-duplication takes a second; List.contains took hours. */
    @Test
    @Timeout(60)
    void aMillionNamesAreDeDuplicatedLinearly() {
        String list = IntStream.range(0, 1_000_000).mapToObj(i -> "ns::op" + (i % 500_000)).collect(Collectors.joining(","));
        List<String> names = SplittingOps.parse(list).names();
        assertThat(names).hasSize(500_000);
        assertThat(names.get(0)).isEqualTo("ns::op0");
        assertThat(names.get(499_999)).isEqualTo("ns::op499999");
    }
}
