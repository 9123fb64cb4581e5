package dev.piecewise.graph.trace;

import dev.piecewise.graph.GraphParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
     * @throws GraphParseException with the line of an envelope that is not JSON, a payload whose MD5 does not
     *                             match, or an entry the log ends in the middle of
     */
    public static List<TraceEntry> read(String text) {
        List<TraceEntry> entries = new ArrayList<>();
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
            String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            if (line.startsWith("\t")) {
                if (pending == null || pending.expectedMd5 == null) {
                    throw new GraphParseException("a payload line (starting with a tab) that follows no entry with a payload",
                            number, 1);
                }
                pending.addPayloadLine(line.substring(1), number);
                continue;
            }
            if (pending != null) {
                entries.add(pending.finish());
                pending = null;
            }
            if (line.isBlank()) {
                continue;
            }
            pending = entry(line, number, lastLine);
        }
        if (pending != null) {
            entries.add(pending.finish());
        }
        return entries;
    }

    private static Pending entry(String line, int number, boolean lastLine) {
        Matcher m = GLOG.matcher(line);
        if (!m.find()) {
            throw new GraphParseException("not a TORCH_TRACE entry: a line starts with a glog prefix such as "
                    + "'V1130 09:25:28.339000 602 torch/_dynamo/utils.py:2126] ' and a JSON envelope", number, 1);
        }
        JsonNode envelope;
        try {
            envelope = JSON.readTree(line.substring(m.end()));
        } catch (JacksonException notJson) {
            String why = lastLine ? "the log ends in the middle of this entry (its JSON envelope is cut off)"
                    : "the entry's envelope is not JSON: " + firstLineOf(notJson.getOriginalMessage());
            throw new GraphParseException(why, number, m.end() + 1);
        }
        if (envelope == null || !envelope.isObject()) {
            throw new GraphParseException("the entry's envelope is not a JSON object", number, m.end() + 1);
        }
        String type = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = envelope.properties().iterator(); fields.hasNext(); ) {
            String key = fields.next().getKey();
            if (!METADATA.contains(key)) {
                type = key;
                break;
            }
        }
        String name = type == null ? null : text(envelope.get(type).get("name"));
        CompileId id = envelope.has("frame_id") ? new CompileId(envelope.get("frame_id").asInt(),
                envelope.path("frame_compile_id").asInt(0), envelope.path("attempt").asInt(0),
                envelope.has("rank") ? envelope.get("rank").asInt() : null) : null;
        return new Pending(number, type, name, id, text(envelope.get("has_payload")));
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() ? null : node.asString();
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
        private final StringBuilder payload = new StringBuilder();
        private int payloadLine;

        Pending(int line, String type, String name, CompileId compileId, String expectedMd5) {
            this.line = line;
            this.type = type;
            this.name = name;
            this.compileId = compileId;
            this.expectedMd5 = expectedMd5;
        }

        void addPayloadLine(String text, int number) {
            if (payloadLine == 0) {
                payloadLine = number;
            } else {
                payload.append('\n');
            }
            payload.append(text);
        }

        TraceEntry finish() {
            if (expectedMd5 == null) {
                return new TraceEntry(type, name, compileId, null, 0);
            }
            if (payloadLine == 0) {
                throw new GraphParseException("the entry announces a payload (has_payload) but no payload line follows;"
                        + " the log may be truncated", line, 1);
            }
            String actual = md5(payload.toString());
            if (!actual.equalsIgnoreCase(expectedMd5)) {
                throw new GraphParseException("the payload's MD5 is " + actual + " but the entry's has_payload says "
                        + expectedMd5 + ": the payload was changed or cut off", line, 1);
            }
            return new TraceEntry(type, name, compileId, payload.toString(), payloadLine);
        }
    }

    private static String md5(String payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
