package dev.piecewise.run;

import dev.piecewise.graph.GraphParseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ASCII fast path is taken eight bytes at a time; every position of a word and of the tail must be seen. */
class UploadTextTest {

    @Test
    void aNulByteIsFoundAtEveryPositionWithItsLineAndColumn() {
        for (int length = 1; length <= 27; length++) {
            for (int at = 0; at < length; at++) {
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, (byte) 'a');
                bytes[0] = '\n';
                bytes[at] = 0;
                int line = at == 0 ? 1 : 2;
                int column = at == 0 ? 1 : at;
                assertThatThrownBy(() -> UploadText.decode(bytes))
                        .isInstanceOf(GraphParseException.class)
                        .hasMessageContaining("binary data at byte " + at)
                        .satisfies(e -> {
                            assertThat(((GraphParseException) e).line()).isEqualTo(line);
                            assertThat(((GraphParseException) e).column()).isEqualTo(column);
                        });
            }
        }
    }

    @Test
    void aNonAsciiCharacterAtAnyPositionIsDecodedAsUtf8() {
        for (int length = 2; length <= 27; length++) {
            for (int at = 0; at + 1 < length; at++) {
                char[] chars = new char[length - 1];
                Arrays.fill(chars, 'x');
                chars[at] = 'é';
                String expected = new String(chars);
                assertThat(UploadText.decode(expected.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
            }
        }
    }

    @Test
    void plainAsciiOfEveryLengthIsKept() {
        for (int length = 0; length <= 27; length++) {
            String text = "x = torch.relu(y)\n".repeat(2).substring(0, length);
            assertThat(UploadText.decode(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(text);
        }
    }

    @Test
    void bytesAboveAsciiThatAreNotUtf8AreRejected() {
        byte[] bytes = "abcdefghijk".getBytes(StandardCharsets.US_ASCII);
        bytes[9] = (byte) 0xff;
        assertThatThrownBy(() -> UploadText.decode(bytes)).hasMessageContaining("binary data at byte 9");
    }
}
