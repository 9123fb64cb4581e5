package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A small strict JSON reader that remembers where every object starts, so errors in an fx-json upload can name
 * line and column. Values: {@link JsonObject}, {@link List}, {@link String}, {@link Long}, {@link Double},
 * {@link Boolean}, null.
 */
final class JsonReader {

    /** A JSON object with the 1-based position of its opening brace. */
    static final class JsonObject extends LinkedHashMap<String, Object> {
        final int line;
        final int column;

        JsonObject(int line, int column) {
            this.line = line;
            this.column = column;
        }
    }

    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;

    JsonReader(String text) {
        this.text = text;
    }

    Object readDocument() {
        Object value = readValue();
        skipWhitespace();
        if (pos < text.length()) {
            throw error("unexpected text after the JSON document");
        }
        return value;
    }

    private GraphParseException error(String message) {
        return new GraphParseException(message, line, pos - lineStart + 1);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object readValue() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of the JSON document (truncated?)");
        }
        char c = text.charAt(pos);
        if (c == '{') {
            return readObject();
        }
        if (c == '[') {
            return readArray();
        }
        if (c == '"') {
            return readString();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return readNumber();
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        if (text.startsWith("NaN", pos) || text.startsWith("Infinity", pos)) {
            String token = text.startsWith("NaN", pos) ? "NaN" : "Infinity";
            pos += token.length();
            return token.equals("NaN") ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        throw error("unexpected character '" + c + "' in JSON");
    }

    private JsonObject readObject() {
        JsonObject object = new JsonObject(line, pos - lineStart + 1);
        pos++;
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error(pos >= text.length() ? "unexpected end of the JSON document (truncated?)"
                        : "expected a quoted key in JSON object");
            }
            String key = readString();
            skipWhitespace();
            expect(':');
            object.put(key, readValue());
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else {
                expect('}');
                return object;
            }
        }
    }

    private List<Object> readArray() {
        List<Object> list = new ArrayList<>();
        pos++;
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(readValue());
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private void expect(char c) {
        if (pos >= text.length()) {
            throw error("expected '" + c + "' but the JSON document ends (truncated?)");
        }
        if (text.charAt(pos) != c) {
            throw error("expected '" + c + "' but found '" + text.charAt(pos) + "'");
        }
        pos++;
    }

    private String readString() {
        pos++;
        StringBuilder sb = null;
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c == '\n') {
                throw error("unterminated string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, start, pos);
                pos++;
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 >= text.length()) {
                            throw error("bad \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos + 1, pos + 5), 16));
                        } catch (NumberFormatException bad) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
                pos++;
                start = pos;
                continue;
            }
            pos++;
        }
        throw error("unterminated string (truncated?)");
    }

    private Object readNumber() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
            if (text.startsWith("Infinity", pos)) {
                pos += "Infinity".length();
                return Double.NEGATIVE_INFINITY;
            }
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String token = text.substring(start, pos);
        try {
            if (integral) {
                return Long.parseLong(token);
            }
            return Double.parseDouble(token);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("malformed number '" + token + "'");
        }
    }
}
