package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up rehearses on this text so that the JIT compiles what real uploads run: it must be what PyTorch prints,
 * so it is checked against the scale fixtures, printed by PyTorch from the same decoder.
 */
class SyntheticDecoderTest {

    @ParameterizedTest
    @ValueSource(ints = {100, 1000})
    void writesTheDecoderAsPyTorchPrintsIt(int layers) {
        String printed = Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-" + layers + "-layers.txt"));

        assertThat(SyntheticDecoder.fxText(layers).stripTrailing()).isEqualTo(printed.stripTrailing());
    }
}
