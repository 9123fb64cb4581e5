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
        }
        byte[] tail = {'x', 'y'};
        byte[] streamed = json.asStream(all.length - 70_000, tail).readAllBytes();
        byte[] head = Arrays.copyOf(all, all.length - 70_000);
        assertThat(Arrays.copyOf(streamed, head.length)).isEqualTo(head);
        assertThat(Arrays.copyOfRange(streamed, head.length, streamed.length)).isEqualTo(tail);
        assertThat(json.endsWith(Arrays.copyOfRange(all, all.length - 20, all.length))).isTrue();
        assertThat(json.endsWith(new byte[]{(byte) (all[all.length - 1] + 1)})).isFalse();
    }

    @Test
    void dropsBytesAcrossASegmentBoundary() throws Exception {
        JsonBytes json = new JsonBytes();
        byte[] first = random(1 << 16); // exactly one full segment
        byte[] second = random(3);
        json.write(first, 0, first.length);
        json.write(second, 0, second.length);
        assertThat(json.endsWith(new byte[]{first[first.length - 1], second[0], second[1], second[2]})).isTrue();
        json.dropLast(5);
        json.write('}');
        byte[] expected = Arrays.copyOf(first, first.length - 1);
        expected[expected.length - 1] = '}';
        assertThat(bytesOf(json)).isEqualTo(expected);
        assertThat(json.size()).isEqualTo(expected.length);
    }
}
