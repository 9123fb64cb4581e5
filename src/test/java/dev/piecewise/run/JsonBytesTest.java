package dev.piecewise.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Segmented bytes read back as the bytes written, whatever the segment boundaries. */
class JsonBytesTest {

    private static final Random RANDOM = new Random(42);

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytesOf(JsonBytes json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        json.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void readsBackWhatWasWrittenAcrossSegments() throws Exception {
        JsonBytes json = new JsonBytes();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] piece = random(RANDOM.nextInt(5000));
            json.write(piece, 0, piece.length);
            expected.write(piece);
            json.write(i);
            expected.write(i);
        }
        byte[] all = expected.toByteArray();
        assertThat(all.length).isGreaterThan(3 * (1 << 16)); // several segments
        assertThat(json.size()).isEqualTo(all.length);
        assertThat(bytesOf(json)).isEqualTo(all);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        json.writeTo(written);
        assertThat(written.toByteArray()).isEqualTo(all);
        for (long[] range : new long[][]{{0, 0}, {0, 1 << 16}, {1, (1 << 16) + 1}, {70_000, 300_000},
                {all.length / 2, all.length}, {all.length - 1, all.length}}) {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            json.writeTo(part, range[0], range[1]);
            assertThat(part.toByteArray()).isEqualTo(Arrays.copyOfRange(all, (int) range[0], (int) range[1]));
            assertThat(json.asStream(range[0], range[1]).readAllBytes())
                    .isEqualTo(Arrays.copyOfRange(all, (int) range[0], (int) range[1]));
        }
    }
}
