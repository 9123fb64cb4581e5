package dev.piecewise.limits;

import jakarta.servlet.http.Part;
import org.springframework.http.ContentDisposition;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multipart/form-data body (RFC 7578) read in place: each part is a slice of the body, nothing copied. The
 * container's parser looked for the boundary a byte at a time and copied every part twice, 48 ms a 10 MB upload and
 * 0.2-0.4 s a million-node one, on the request's thread before its work began; this one skips through the body
 * by the boundary's length (Horspool's search) and copies nothing.
 */
final class MultipartBody {

    /** A body that is not the multipart it says it is. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    /** Part headers beyond this many bytes are refused, as the container refuses them. */
    static final int MAX_HEADER_BYTES = 10 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final int[] HEADERS_END_SKIP = skipTable(HEADERS_END);
    private static final byte[] CLOSE = {'-', '-'};

    private MultipartBody() {
    }

    /**
     * The parts of {@code body}, in order; parts that are not form-data fields (no {@code name}) are left out, as the
     * container leaves them out, but count toward {@code maxParts}.
     *
     * @param contentType the request's, whose {@code boundary} parameter frames the parts
     * @param directory   where {@link Part#write} puts a file given by a relative name
     */
    static List<Part> parse(byte[] body, String contentType, Charset headerCharset, int maxParts, File directory)
            throws MalformedException, BufferedBodyRequest.TooManyException {
        String boundary;
        try {
            boundary = MediaType.parseMediaType(contentType).getParameter("boundary");
        } catch (InvalidMediaTypeException bad) {
            throw new MalformedException("the Content-Type cannot be read: " + bad.getMessage());
        }
        if (boundary != null && boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
            boundary = boundary.substring(1, boundary.length() - 1); // RFC 2046 allows no quote or backslash inside
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new MalformedException("the Content-Type names no boundary");
        }
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int[] skip = skipTable(delimiter);
        int at;
        if (startsWith(body, 0, delimiter, 2)) { // the first delimiter has no line break before it at the start
            at = delimiter.length - 2;
        } else {
            int first = indexOf(body, delimiter, 0, skip, body.length);
            if (first < 0) {
                throw new MalformedException("no boundary '--" + boundary + "' in the body");
            }
            at = first + delimiter.length;
        }
        List<Part> parts = new ArrayList<>();
        int count = 0;
        while (true) {
            if (startsWith(body, at, CLOSE, 0)) {
                return parts; // the closing delimiter; what follows is an epilogue, ignored
            }
            while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
                at++; // transport padding
            }
            if (startsWith(body, at, CRLF, 0)) {
                at += 2;
            } else if (at < body.length && body[at] == '\n') {
                at++; // a bare line feed, as old browsers sent and the container takes
            } else {
                throw new MalformedException("no line break after the boundary at byte " + at);
            }
            int contentStart;
            int headersEnd;
            if (startsWith(body, at, CRLF, 0)) {
                headersEnd = at;
                contentStart = at + 2;
            } else {
                headersEnd = indexOf(body, HEADERS_END, at, HEADERS_END_SKIP, at + MAX_HEADER_BYTES + 4);
                if (headersEnd < 0) {
                    throw new MalformedException(body.length - at < MAX_HEADER_BYTES
                            ? "the body ends inside a part's headers, at byte " + at
                            : "a part's headers do not end within " + MAX_HEADER_BYTES + " bytes, at byte " + at);
                }
                contentStart = headersEnd + 4;
            }
            // After the blank line: a boundary right after it, with no line break of its own, is content, as the
            // container reads it.
            int contentEnd = indexOf(body, delimiter, contentStart, skip, body.length);
            if (contentEnd < 0) {
                throw new MalformedException("the body ends inside a part: no closing boundary '--" + boundary + "--'");
            }
            if (++count > maxParts) {
                throw new BufferedBodyRequest.TooManyException("the multipart body has more than " + maxParts
                        + " parts (piecewise.limits.max-parts); an upload needs part 'file' and one part per option");
            }
            Map<String, List<String>> headers = headers(new String(body, at, headersEnd - at, headerCharset));
            BufferedPart part = BufferedPart.of(body, contentStart, contentEnd - contentStart, headers, directory);
            if (part != null) {
                parts.add(part);
            }
            at = contentEnd + delimiter.length;
        }
    }

    /** Header lines by lower-case name; a line that starts with a space or a tab continues the one before. */
    private static Map<String, List<String>> headers(String block) {
        Map<String, List<StringBuilder>> lines = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : block.split("\r\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (current != null) {
                    current.append(' ').append(line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                current = null;
                continue;
            }
            current = new StringBuilder(line.substring(colon + 1).strip());
            lines.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(current);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        lines.forEach((name, values) -> headers.put(name, values.stream().map(StringBuilder::toString).toList()));
        return Collections.unmodifiableMap(headers);
    }

    /** Horspool's table: how far the search may move on when the byte under the needle's last is {@code b}. */
    private static int[] skipTable(byte[] needle) {
        int[] skip = new int[256];
        java.util.Arrays.fill(skip, needle.length);
        for (int k = 0; k < needle.length - 1; k++) {
            skip[needle[k] & 0xff] = needle.length - 1 - k;
        }
        return skip;
    }

    /** Where {@code needle} starts in {@code body} from {@code from}, ending before {@code until}; -1 if nowhere. */
    private static int indexOf(byte[] body, byte[] needle, int from, int[] skip, int until) {
        int last = needle.length - 1;
        int end = Math.min(body.length, until) - needle.length;
        int i = Math.max(0, from);
        while (i <= end) {
            byte b = body[i + last];
            if (b == needle[last] && startsWith(body, i, needle, 0)) {
                return i;
            }
            i += skip[b & 0xff];
        }
        return -1;
    }

    /** Whether {@code body} holds {@code needle}'s bytes from {@code from} on at {@code at}. */
    private static boolean startsWith(byte[] body, int at, byte[] needle, int from) {
        if (at < 0 || at + needle.length - from > body.length) {
            return false;
        }
        for (int k = from; k < needle.length; k++) {
            if (body[at + k - from] != needle[k]) {
                return false;
            }
        }
        return true;
    }

    /** One part: a slice of the body, with its headers. */
    private record BufferedPart(byte[] body, int offset, int length, Map<String, List<String>> headers, String name,
                                String submittedFileName, File directory) implements Part {

        /**
         * The part, or null when it is not a form-data field with a name. Its Content-Disposition is read as Spring
         * reads it next (the file name, {@code filename*} first), so the two agree on which parts are files, and one
         * Spring cannot read is a malformed body rather than an error later.
         */
        static BufferedPart of(byte[] body, int offset, int length, Map<String, List<String>> headers, File directory)
                throws MalformedException {
            List<String> header = headers.get("content-disposition");
            if (header == null) {
                return null;
            }
            ContentDisposition disposition;
            try {
                disposition = ContentDisposition.parse(header.get(0));
            } catch (IllegalArgumentException unreadable) {
                throw new MalformedException("a part's Content-Disposition cannot be read: " + unreadable.getMessage());
            }
            if (!disposition.isFormData() || disposition.getName() == null) {
                return null;
            }
            return new BufferedPart(body, offset, length, headers, disposition.getName(), disposition.getFilename(),
                    directory);
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(body, offset, length);
        }

        @Override
        public String getContentType() {
            return getHeader("content-type");
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getSubmittedFileName() {
            return submittedFileName;
        }

        @Override
        public long getSize() {
            return length;
        }

        @Override
        public void write(String fileName) throws IOException {
            File file = new File(fileName);
            File target = file.isAbsolute() ? file : new File(directory, fileName);
            try (OutputStream out = Files.newOutputStream(target.toPath())) {
                out.write(body, offset, length);
            }
        }

        @Override
        public void delete() {
            // nothing of it is anywhere but in the body
        }

        @Override
        public String getHeader(String header) {
            List<String> values = headers.get(header.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        @Override
        public Collection<String> getHeaders(String header) {
            return headers.getOrDefault(header.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public Collection<String> getHeaderNames() {
            return headers.keySet(); // of an unmodifiable map
        }

        @Override
        public String toString() {
            return "part '" + name + "' (" + length + " bytes)";
        }
    }
}
