package dev.piecewise.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/** Compressed parts read back, alone or joined, as exactly one gzip member, with zlib's CRC-32 combination. */
class DeflatedTest {

    private static final Random RANDOM = new Random(7);

    /** JSON-like text: compressible, with matches that a part compressed apart cannot reach into another. */
    private static byte[] content(int size) {
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ("{\"name\":\"relu_" + RANDOM.nextInt(1000) + "\"}").charAt(i % 15);
        }
        return content;
    }

    private static Deflated deflate(byte[] content, int from, int to) {
        return RunDocuments.deflated(out -> {
            if (to > from) { // in pieces, one of a single byte
                int middle = (from + to) / 2;
                out.write(content, from, middle - from);
                out.write(content[middle]);
                out.write(content, middle + 1, to - middle - 1);
            }
        }, 16);
    }

    private static byte[] gunzip(byte[] gzip) throws Exception {
        return new GZIPInputStream(new ByteArrayInputStream(gzip)).readAllBytes();
    }

    /**
     * Inflates a gzip member's deflate stream, asserting that it is the only member: its final block must be followed
     * by just the 8-byte trailer.
     */
    static byte[] inflateOneMember(byte[] gzip) throws Exception {
        Inflater inflater = new Inflater(true);
        inflater.setInput(gzip, 10, gzip.length - 10);
        ByteArrayOutputStream inflated = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!inflater.finished()) {
            int n = inflater.inflate(buffer);
            assertThat(n > 0 || !inflater.needsInput()).as("the deflate stream ends within the member").isTrue();
            inflated.write(buffer, 0, n);
        }
        assertThat(inflater.getRemaining()).isEqualTo(8);
        inflater.end();
        return inflated.toByteArray();
    }

    @Test
    void aPartIsOneGzipMemberAtEverySize() throws Exception {
        for (int size : new int[]{0, 1, 100, 70_000, 3 << 20}) {
            byte[] content = content(size);
            for (int round = 0; round < 3; round++) { // the pooled deflater again, reset
                Deflated part = deflate(content, 0, size);
                assertThat(part.length()).isEqualTo(size);
                byte[] member = part.member();
                assertThat(gunzip(member)).as("size " + size).isEqualTo(content);
                assertThat(inflateOneMember(member)).isEqualTo(content);
                if (size > 1000) {
                    assertThat(member.length).isLessThan(size / 4);
                }
            }
        }
    }

    @Test
    void partsCompressedApartMakeOneMemberOfTheirContentInOrder() throws Exception {
        for (int trial = 0; trial < 20; trial++) {
            byte[] content = content(RANDOM.nextInt(300_000));
            int[] cuts = RANDOM.ints(RANDOM.nextInt(6), 0, content.length + 1).sorted().toArray();
            List<Deflated> parts = new ArrayList<>();
            int from = 0;
            for (int cut : cuts) { // equal cuts make empty parts
                parts.add(deflate(content, from, cut));
                from = cut;
            }
            parts.add(deflate(content, from, content.length));

            byte[] streamed = Deflated.member(parts).readAllBytes();
            assertThat(streamed).hasSize((int) Deflated.memberSize(parts));
            assertThat(gunzip(streamed)).isEqualTo(content);
            assertThat(inflateOneMember(streamed)).isEqualTo(content);

            Deflated joined = parts.stream().reduce(Deflated::then).orElseThrow();
            assertThat(joined.member()).isEqualTo(streamed);
            // joined without a copy: the parts' own arrays, in order
            assertThat(joined.blocks()).containsExactlyElementsOf(parts.stream().flatMap(p -> p.blocks().stream()).toList());
            assertThat(RunDocuments.join(joined.memberPieces())).isEqualTo(streamed);
        }
    }

    @Test
    void combinedCrcsAreTheCrcOfTheJoinedBytes() {
        for (int trial = 0; trial < 200; trial++) {
            byte[] a = new byte[trial < 10 ? trial : RANDOM.nextInt(5000)];
            byte[] b = new byte[trial % 10 == 0 ? 0 : RANDOM.nextInt(100_000)];
            RANDOM.nextBytes(a);
            RANDOM.nextBytes(b);
            byte[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            assertThat(Deflated.Crc32.combine(crc(a), crc(b), b.length)).isEqualTo(crc(both));
        }
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Test
    void aStoredDocumentOfSeveralMembersReadsAsOneStream() throws Exception {
        byte[] first = content(5000);
        byte[] second = content(7000);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(first);
        both.writeBytes(second);
        byte[] document = RunDocuments.join(deflate(first, 0, first.length).member(),
                deflate(second, 0, second.length).member());
        assertThat(gunzip(document)).isEqualTo(both.toByteArray());
    }
}
