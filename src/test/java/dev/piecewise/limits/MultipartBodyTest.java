package dev.piecewise.limits;

import jakarta.servlet.http.Part;
import org.apache.tomcat.util.http.fileupload.FileItem;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.UploadContext;
import org.apache.tomcat.util.http.fileupload.disk.DiskFileItemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Multipart bodies read in place: parts as curl and browsers frame them, the corners RFC 7578 and 2046 allow
 * (preamble, epilogue, padding, quoted parameters, an empty part), and, on bodies of random bytes full of line
 * breaks and dashes, the same parts as the container's own parser finds.
 */
class MultipartBodyTest {

    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @TempDir
    File directory;

    private List<Part> parse(String contentType, byte[] body) throws Exception {
        return MultipartBody.parse(body, contentType, StandardCharsets.UTF_8, 50, directory);
    }

    private static String read(Part part) throws IOException {
        return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aFieldAndAFileAsCurlSendsThem() throws Exception {
        String content = "graph():\r\n    %x : [num_users=1] = placeholder[target=x]\r\n--not the boundary\r\n";
        String body = "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"splittingOps\"\r\n\r\n"
                + "oracle::attn\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"graph.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + content + "\r\n"
                + "--" + BOUNDARY + "--\r\n";
        List<Part> parts = parse(TYPE, body.getBytes(StandardCharsets.UTF_8));

        assertThat(parts).extracting(Part::getName).containsExactly("splittingOps", "file");
        assertThat(parts.get(0).getSubmittedFileName()).isNull();
        assertThat(read(parts.get(0))).isEqualTo("oracle::attn");
        Part file = parts.get(1);
        assertThat(file.getSubmittedFileName()).isEqualTo("graph.txt");
        assertThat(file.getContentType()).isEqualTo("text/plain");
        assertThat(file.getHeader("CONTENT-DISPOSITION")).isEqualTo("form-data; name=\"file\"; filename=\"graph.txt\"");
        assertThat(read(file)).isEqualTo(content);
        assertThat(file.getSize()).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);

        file.write("copy.txt");
        assertThat(Files.readString(new File(directory, "copy.txt").toPath())).isEqualTo(read(file));
    }

    @Test
    void preambleEpiloguePaddingQuotedParametersAndAnEmptyPart() throws Exception {
        String body = "a preamble\r\n--" + BOUNDARY + " \t\r\n"
                + "content-disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\"; c=d.txt\"\r\n\r\n"
                + "\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"named\"; filename=\"plain.txt\";\r\n"
                + " filename*=UTF-8''gr%C3%A4ph%201.txt\r\n\r\n"
                + "x\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: attachment; name=\"not a field\"\r\n\r\n"
                + "skipped\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; filename=\"nameless.txt\"\r\n\r\n"
                + "skipped\r\n--" + BOUNDARY + "--\r\nan epilogue";
        List<Part> parts = parse("multipart/form-data; charset=utf-8; boundary=\"" + BOUNDARY + "\"",
                body.getBytes(StandardCharsets.UTF_8));

        assertThat(parts).extracting(Part::getName).containsExactly("file", "named");
        assertThat(parts.get(0).getSubmittedFileName()).isEqualTo("a \"b\"; c=d.txt");
        assertThat(parts.get(0).getSize()).isZero();
        assertThat(parts.get(1).getSubmittedFileName()).isEqualTo("gräph 1.txt");
        assertThat(read(parts.get(1))).isEqualTo("x");
    }

    @Test
    void bodiesThatAreNotTheMultipartTheySayAreRefusedSayingWhy() {
        byte[] unclosed = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(TYPE, unclosed)).isInstanceOf(MultipartBody.MalformedException.class)
                .hasMessageContaining("no closing boundary");
        assertThatThrownBy(() -> parse("multipart/form-data", unclosed))
                .isInstanceOf(MultipartBody.MalformedException.class).hasMessageContaining("names no boundary");
        assertThatThrownBy(() -> parse(TYPE, "no parts here".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MultipartBody.MalformedException.class).hasMessageContaining("no boundary '--" + BOUNDARY);
        assertThatThrownBy(() -> parse(TYPE, ("--" + BOUNDARY + "x\r\n").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MultipartBody.MalformedException.class).hasMessageContaining("no line break after the boundary");
        byte[] endlessHeaders = ("--" + BOUNDARY + "\r\nX-Long: " + "h".repeat(MultipartBody.MAX_HEADER_BYTES) + "\r\n\r\n"
                + "x\r\n--" + BOUNDARY + "--").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(TYPE, endlessHeaders)).isInstanceOf(MultipartBody.MalformedException.class)
                .hasMessageContaining("headers do not end within");
    }

    /** Read as Spring reads it next: backslashes other than escapes kept, one it cannot read a malformed body. */
    @Test
    void theContentDispositionIsReadAsSpringReadsIt() throws Exception {
        String windowsPath = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\dir\\g.txt\""
                + "\r\n\r\nx\r\n--" + BOUNDARY + "--";
        assertThat(parse(TYPE, windowsPath.getBytes(StandardCharsets.UTF_8)).get(0).getSubmittedFileName())
                .isEqualTo("C:\\dir\\g.txt");

        String unreadable = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-16''g.txt"
                + "\r\n\r\nx\r\n--" + BOUNDARY + "--";
        assertThatThrownBy(() -> parse(TYPE, unreadable.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MultipartBody.MalformedException.class).hasMessageContaining("Content-Disposition cannot be read");
    }

    @Test
    void partsBeyondTheLimitAreRefusedNamingIt() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"p").append(i)
                    .append("\"\r\n\r\nv\r\n");
        }
        body.append("--").append(BOUNDARY).append("--");
        assertThatThrownBy(() -> MultipartBody.parse(body.toString().getBytes(StandardCharsets.UTF_8), TYPE,
                StandardCharsets.UTF_8, 3, directory)).isInstanceOf(BufferedBodyRequest.TooManyException.class)
                .hasMessageContaining("more than 3 parts (piecewise.limits.max-parts)");
    }

    /**
     * Random contents made of a short boundary's own bytes, line breaks and dashes, so that near misses and whole
     * delimiters (which end the part early, and may frame a malformed body) both occur: the parts, or the refusal,
     * must be the container parser's, but where the container silently stops at a boundary it cannot read on from.
     */
    @Test
    void findsTheSamePartsAsTheContainersParser() throws Exception {
        Random random = new Random(7578);
        String boundary = "-b";
        String type = "multipart/form-data; boundary=" + boundary;
        byte[] alphabet = "\r\n--bbx".getBytes(StandardCharsets.ISO_8859_1);
        int refused = 0;
        int stoppedByTheContainer = 0;
        for (int round = 0; round < 3000; round++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (random.nextBoolean()) {
                body.writeBytes("preamble\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"p" + p + "\""
                        + (random.nextBoolean() ? "; filename=\"f" + p + ".txt\"" : "") + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                int length = random.nextInt(random.nextBoolean() ? 12 : 300);
                for (int i = 0; i < length; i++) {
                    body.write(alphabet[random.nextInt(alphabet.length)]);
                }
                body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] bytes = body.toByteArray();

            List<FileItem> expected;
            try {
                expected = containersParts(bytes, type);
            } catch (org.apache.tomcat.util.http.fileupload.FileUploadException containerRefused) {
                refused++;
                assertThatThrownBy(() -> parse(type, bytes)).as("round %d", round)
                        .isInstanceOf(MultipartBody.MalformedException.class);
                continue;
            }
            List<Part> actual;
            try {
                actual = parse(type, bytes);
            } catch (MultipartBody.MalformedException malformed) {
                // A boundary followed by neither a line break nor "--": the container stops there and drops the
                // parts after it without a word; this parser refuses the body.
                assertThat(malformed.getMessage()).as("round %d", round).contains("no line break after the boundary");
                stoppedByTheContainer++;
                continue;
            }
            assertThat(actual).as("round %d", round).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).getName()).isEqualTo(expected.get(i).getFieldName());
                assertThat(actual.get(i).getSubmittedFileName()).isEqualTo(expected.get(i).getName());
                assertThat(actual.get(i).getInputStream().readAllBytes()).as("round %d, part %d", round, i)
                        .isEqualTo(expected.get(i).get());
            }
        }
        assertThat(refused).as("bodies the container refused").isPositive();
        assertThat(refused + stoppedByTheContainer).as("bodies the two parsers read alike").isLessThan(2700);
    }

    private List<FileItem> containersParts(byte[] body, String type) throws Exception {
        FileUpload upload = new FileUpload();
        upload.setFileItemFactory(new DiskFileItemFactory(Integer.MAX_VALUE, directory));
        return new ArrayList<>(upload.parseRequest(new UploadContext() {
            @Override
            public long contentLength() {
                return body.length;
            }

            @Override
            public String getCharacterEncoding() {
                return "UTF-8";
            }

            @Override
            public String getContentType() {
                return type;
            }

            @Override
            public InputStream getInputStream() {
                return new ByteArrayInputStream(body);
            }
        }));
    }
}
