package dev.piecewise.graph.trace;

import dev.piecewise.graph.GraphParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a TORCH_TRACE structured log (what {@code TORCH_TRACE=dir} writes and tlparse reads): one entry per line,
 * a glog prefix then a JSON envelope, its payload on the following lines, each starting with a tab, and
 * {@code has_payload} the MD5 of the payload lines joined with new lines. One pass, linear in the log's size.
 * See src/docs/formats.md, "TORCH_TRACE logs".
 */
public final class TraceLogReader {

    /** {@code V1130 09:25:28.339000 602 torch/_dynamo/utils.py:2126] {...}}: level, date, time, thread, file:line. */
    private static final Pattern GLOG = Pattern.compile("^[IWEFVD]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d+ +\\d+ [^\\]]*\\] ");

    /** Envelope keys that say where an entry belongs rather than what it is. */
    private static final Set<String> METADATA = Set.of("frame_id", "frame_compile_id", "attempt", "has_payload", "rank",
            "compiled_autograd_id", "stack");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TraceLogReader() {
    }

    /** Whether {@code firstLine} is a glog line carrying a JSON envelope, as every line of a trace log starts. */
    public static boolean looksLikeTrace(String firstLine) {
        Matcher m = GLOG.matcher(firstLine);
        return m.find() && firstLine.startsWith("{", m.end());
    }

    /**
     * @param kinds the entries ({@link TraceEntry#is}) whose payloads are kept; every payload is checked against
     *              its MD5 (a log cut off, or missing an entry's line, fails in whichever payload it lands), but
     *              the others are hashed as they stand in the log, never built (in a Dynamo log most of the bytes
     *              are guards and tensor descriptions, which no run reads)
     * @throws GraphParseException with the line of an envelope that is not JSON, a payload whose MD5 does not
     *                             match, or an entry the log ends in the middle of
     */
    public static List<TraceEntry> read(String text, Set<String> kinds) {
        List<TraceEntry> entries = new ArrayList<>();
        LineBytes scratch = new LineBytes();
        Pending pending = null;
        int number = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            boolean lastLine = end < 0;
            if (lastLine) {
                end = text.length();
            }
            number++;
            int lineStart = start;
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            start = end + 1;
            if (lineStart < lineEnd && text.charAt(lineStart) == '\t') {
                if (pending == null || pending.expectedMd5 == null) {
                    throw new GraphParseException("a payload line (starting with a tab) that follows no entry with a payload",
                            number, 1);
                }
                pending.addPayloadLine(text, lineStart + 1, lineEnd, number, scratch);
                continue;
            }
            if (pending != null) {
                entries.add(pending.finish());
                pending = null;
            }
            String line = text.substring(lineStart, lineEnd);
            if (line.isBlank()) {
                continue;
            }
            pending = entry(line, number, lastLine, kinds);
        }
        if (pending != null) {
            entries.add(pending.finish());
        }
        return entries;
    }

    /** Reads the envelope as it streams by: a tree of each of a log's tens of thousands was most of reading it. */
    private static Pending entry(String line, int number, boolean lastLine, Set<String> kinds) {
        Matcher m = GLOG.matcher(line);
        if (!m.find()) {
            throw new GraphParseException("not a TORCH_TRACE entry: a line starts with a glog prefix such as "
                    + "'V1130 09:25:28.339000 602 torch/_dynamo/utils.py:2126] ' and a JSON envelope", number, 1);
        }
        try (JsonParser json = JSON.createParser(line.substring(m.end()))) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new GraphParseException("the entry's envelope is not a JSON object", number, m.end() + 1);
            }
            String type = null;
            String name = null;
            String md5 = null;
            Integer frame = null;
            Integer rank = null;
            int frameCompile = 0;
            int attempt = 0;
            for (String key = json.nextName(); key != null; key = json.nextName()) {
                JsonToken value = json.nextToken();
                switch (key) {
                    case "frame_id" -> frame = intIn(json);
                    case "frame_compile_id" -> frameCompile = intIn(json);
                    case "attempt" -> attempt = intIn(json);
                    case "rank" -> rank = intIn(json);
                    case "has_payload" -> md5 = value == JsonToken.VALUE_STRING ? json.getString() : null;
                    default -> {
                        if (type == null && !METADATA.contains(key)) {
                            type = key;
                            if (value == JsonToken.START_OBJECT) {
                                name = nameIn(json);
                            }
                        }
                    }
                }
                json.skipChildren(); // the rest of an object or array value; nothing for a scalar or one read
            }
            if (json.nextToken() != null) {
                throw new GraphParseException("the entry's envelope is not JSON: more follows its object", number,
                        m.end() + 1);
            }
            CompileId id = frame == null ? null : new CompileId(frame, frameCompile, attempt, rank);
            return new Pending(number, type, name, id, md5,
                    type != null && kinds.contains(type) || name != null && kinds.contains(name));
        } catch (JacksonException notJson) {
            String why = lastLine ? "the log ends in the middle of this entry (its JSON envelope is cut off)"
                    : "the entry's envelope is not JSON: " + firstLineOf(notJson.getOriginalMessage());
            throw new GraphParseException(why, number, m.end() + 1);
        }
    }

    /** The value as an int, 0 when it is none (a number too large, an object): ids are read, never refused. */
    private static int intIn(JsonParser json) {
        try {
            return json.getValueAsInt(0);
        } catch (InputCoercionException notAnInt) {
            return 0;
        }
    }

    /** The {@code name} of the entry's object (an artifact's, a graph dump's), read to its end; null for none. */
    private static String nameIn(JsonParser json) {
        String name = null;
        for (String key = json.nextName(); key != null; key = json.nextName()) {
            JsonToken value = json.nextToken();
            if (key.equals("name")) {
                name = value == JsonToken.VALUE_STRING ? json.getString() : null;
            }
            json.skipChildren();
        }
        return name;
    }

    private static String firstLineOf(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** An entry whose payload lines are still being read. */
    private static final class Pending {
        private final int line;
        private final String type;
        private final String name;
        private final CompileId compileId;
        private final String expectedMd5;
        /** Whether the payload is kept: every payload is checked, but only those a run reads are built. */
        private final boolean read;
        private final StringBuilder payload = new StringBuilder();
        private final MessageDigest md5;
        private int payloadLine;

        Pending(int line, String type, String name, CompileId compileId, String expectedMd5, boolean read) {
            this.line = line;
            this.type = type;
            this.name = name;
            this.compileId = compileId;
            this.expectedMd5 = expectedMd5;
            this.read = read;
            try {
                this.md5 = expectedMd5 == null ? null : MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has MD5", e);
            }
        }

        /**
         * The payload line from {@code from} up to {@code to} of {@code text}, its tab left out: hashed as UTF-8
         * through {@code scratch}, and kept if the payload is read.
         */
        void addPayloadLine(String text, int from, int to, int number, LineBytes scratch) {
            if (payloadLine == 0) {
                payloadLine = number;
            } else {
                md5.update((byte) '\n');
                if (read) {
                    payload.append('\n');
                }
            }
            scratch.digest(md5, text, from, to);
            if (read) {
                payload.append(text, from, to);
            }
        }

        TraceEntry finish() {
            if (expectedMd5 == null) {
                return new TraceEntry(type, name, compileId, null, 0);
            }
            if (payloadLine == 0) {
                throw new GraphParseException("the entry announces a payload (has_payload) but no payload line follows;"
                        + " the log may be truncated", line, 1);
            }
            String actual = HexFormat.of().formatHex(md5.digest());
            if (!actual.equalsIgnoreCase(expectedMd5)) {
                throw new GraphParseException("the payload's MD5 is " + actual + " but the entry's has_payload says "
                        + expectedMd5 + ": the payload was changed or cut off", line, 1);
            }
            return new TraceEntry(type, name, compileId, read ? payload.toString() : null, payloadLine);
        }
    }

    /**
     * A line's UTF-8 bytes, made in one reused array: a log's payloads are tens of megabytes of lines, nearly all
     * ASCII, and each is hashed whether or not a run reads it.
     */
    private static final class LineBytes {
        private byte[] bytes = new byte[256];
        /** The line's characters, copied out in one step: reading them one by one from the text took longer. */
        private char[] chars = new char[256];

        void digest(MessageDigest md5, String text, int from, int to) {
            int length = to - from;
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, 2 * bytes.length)];
                chars = new char[bytes.length];
            }
            text.getChars(from, to, chars, 0);
            for (int i = 0; i < length; i++) {
                char c = chars[i];
                if (c >= 0x80) {
                    md5.update(text.substring(from, to).getBytes(StandardCharsets.UTF_8));
                    return;
                }
                bytes[i] = (byte) c;
            }
            md5.update(bytes, 0, length);
        }
    }
}
