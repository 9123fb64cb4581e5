package dev.piecewise.graph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Free symbols as torch's free_symbols finds them in sympy-printed expressions. */
class SymbolsTest {

    private static List<String> symbols(String... dims) {
        return new ValueInfo(ValueKind.TENSOR, List.of(dims), "float32", null, null, false).freeSymbols();
    }

    @Test
    void functionNamesAreNotSymbols() {
        assertThat(symbols("Max(1, s77 + 1)", "32")).containsExactly("s77");
        assertThat(symbols("Min(s0, s1)", "floor(s2/2)", "FloorDiv(s3, 4)")).containsExactly("s0", "s1", "s2", "s3");
        assertThat(symbols("1e5*s9")).containsExactly("s9");
        assertThat(ValueInfo.symInt("Eq(s77, 1)").freeSymbols()).containsExactly("s77");
    }

    @Test
    void symbolsAreSortedAsStrings() {
        assertThat(symbols("s77", "s100", "2*u0")).containsExactly("s100", "s77", "u0");
    }
}
