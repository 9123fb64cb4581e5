package dev.piecewise.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Float literals read back as Python's {@code repr} prints them (the values below are CPython 3's). */
class PythonFloatsTest {

    @ParameterizedTest
    @CsvSource({
            "1e-06, 1e-06", "0.000001, 1e-06", "1E-6, 1e-06", "-2.5e-05, -2.5e-05", "1.5e-10, 1.5e-10",
            "1e16, 1e+16", "1e100, 1e+100", "12345678901234567.0, 1.2345678901234568e+16", "2.0e-300, 2e-300",
            "0.0001, 0.0001", "123.0, 123.0", "1e15, 1000000000000000.0", "0.1, 0.1", "-0.0, -0.0", "1., 1.0",
            ".5, 0.5", "inf, inf", "-Infinity, -inf", "NaN, nan",
            // Java 17's Double.toString gives these a digit more than the shortest that reads back
            "5e-324, 5e-324", "1e23, 1e+23", "2.82879384806159E17, 2.82879384806159e+17"})
    void readsBackAsPythonsRepr(String literal, String repr) {
        assertThat(PythonFloats.repr(literal)).isEqualTo(repr);
    }

    /**
     * Reprs read before are kept by hash, a slot a hash: a thousand literals share slots whatever the table's size,
     * and none may answer for another. Python prints {@code float("12.50")} as {@code 12.5}.
     */
    @Test
    void literalsSharingSlotsOfTheKeptReprsReadBackInTurn() {
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 1000; k++) {
                assertThat(PythonFloats.repr(k + ".50")).isEqualTo(k + ".5");
            }
        }
    }
}
