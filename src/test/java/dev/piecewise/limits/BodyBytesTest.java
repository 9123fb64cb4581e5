package dev.piecewise.limits;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BodyBytesTest {

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code body} in pieces of {@code piece} bytes, as the container hands them over. */
    private static BodyPrefetchFilter.BodyBytes read(byte[] body, long declared, int piece) {
        BodyPrefetchFilter.BodyBytes bytes = new BodyPrefetchFilter.BodyBytes(declared);
        for (int at = 0; at < body.length; at += piece) {
            bytes.write(body, at, Math.min(piece, body.length - at));
        }
        return bytes;
    }

    @Test
    void aBodyThatArrivesAsDeclaredIsHandedOnWithoutACopy() {
        byte[] body = random(1_000_003);
        BodyPrefetchFilter.BodyBytes bytes = read(body, body.length, 8192);
        byte[] first = bytes.toArray();
        assertThat(first).isEqualTo(body);
        assertThat(bytes.toArray()).isSameAs(first);
    }

    @Test
    void bodiesLongerOrShorterThanDeclaredOrUndeclaredAreReadWhole() {
        byte[] body = random(300_001);
        for (long declared : new long[]{-1, 0, 1000, 200_000, 300_000, 400_000, 50_000_000}) {
            BodyPrefetchFilter.BodyBytes bytes = read(body, declared, 7777);
            assertThat(bytes.size()).isEqualTo(body.length);
            assertThat(bytes.toArray()).as("declared %d", declared).isEqualTo(body);
        }
    }

    @Test
    void anEmptyBodyIsEmpty() {
        assertThat(new BodyPrefetchFilter.BodyBytes(100).toArray()).isEmpty();
    }
}
