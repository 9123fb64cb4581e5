package dev.piecewise.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A member written with a pooled deflater is byte for byte what GZIPOutputStream writes, at every size. */
class GzipMemberTest {

    private static byte[] gzipOutputStream(byte[] content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(content);
        }
        return bytes.toByteArray();
    }

    @Test
    void isWhatGzipOutputStreamWritesAndReadsBack() throws Exception {
        Random random = new Random(7);
        for (int size : new int[]{0, 1, 100, 70_000, 3 << 20}) {
            byte[] content = new byte[size];
            for (int i = 0; i < size; i++) {
                content[i] = (byte) ("{\"name\":\"relu_" + random.nextInt(1000) + "\"}").charAt(i % 15);
            }
            for (int round = 0; round < 3; round++) { // the pooled deflater again, reset
                int half = content.length / 2;
                byte[] member = RunDocuments.member(out -> {
                    if (content.length > 0) { // in pieces, one of a single byte
                        out.write(content, 0, half);
                        out.write(content[half]);
                        out.write(content, half + 1, content.length - half - 1);
                    }
                }, 16);
                assertThat(member).as("size " + size).isEqualTo(gzipOutputStream(content));
                assertThat(RunDocuments.decompress(member)).isEqualTo(new String(content, "ISO-8859-1"));
            }
        }
    }
}
