package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads strict JSON (RFC 8259: no NaN or Infinity, no leading zeros, no raw control characters in strings, no
 * duplicate keys) with Jackson's streaming parser, remembering where every object starts so errors in an fx-json
 * upload can name line and column. Values: {@link JsonObject}, {@link List}, {@link String}, {@link Long},
 * {@link BigInteger}, {@link Double}, {@link Boolean}, null.
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
    private final ParseLimits limits;

    JsonReader(String text, ParseLimits limits) {
        this.text = text;
        this.limits = limits;
    }

    Object readDocument() {
        // Duplicate keys are found by readValue as the keys go into their object: Jackson's own detection keeps a
        // second set of every object's keys, a sixth of reading a large upload.
        JsonFactory factory = JsonFactory.builder()
                // Jackson's own cap sits one level above ours, so readValue's check, with its message, comes first.
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth() + 1).build())
                .build();
        JsonParser parser = factory.createParser(ObjectReadContext.empty(), text);
        try (parser) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new GraphParseException("the upload is empty", 1, 1);
            }
            Object value = readValue(parser, first, 1);
            if (parser.nextToken() != null) {
                throw error(parser.currentTokenLocation(), "unexpected text after the JSON document");
            }
            return value;
        } catch (StreamConstraintsException e) {
            // Nesting is caught by readValue first; these are Jackson's other caps (a 1000-digit number, say).
            TokenStreamLocation at = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation()
                    : parser.currentLocation();
            throw error(at, "JSON beyond Jackson's limits: " + firstLine(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw error(e.getLocation(), "malformed JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    private static GraphParseException error(TokenStreamLocation at, String message) {
        int line = at == null || at.getLineNr() < 1 ? 1 : at.getLineNr();
        int column = at == null || at.getColumnNr() < 1 ? 1 : at.getColumnNr();
        return new GraphParseException(message, line, column);
    }

    private Object readValue(JsonParser parser, JsonToken token, int depth) {
        switch (token) {
            case START_OBJECT: {
                if (depth > limits.maxNestingDepth()) {
                    throw tooDeep(parser);
                }
                TokenStreamLocation at = parser.currentTokenLocation();
                JsonObject object = new JsonObject(at.getLineNr(), at.getColumnNr());
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    if (object.containsKey(key)) {
                        throw error(parser.currentTokenLocation(), firstLine("malformed JSON: duplicate key \"" + key + "\""));
                    }
                    object.put(key, readValue(parser, parser.nextToken(), depth + 1));
                }
                return object;
            }
            case START_ARRAY: {
                if (depth > limits.maxNestingDepth()) {
                    throw tooDeep(parser);
                }
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(readValue(parser, t, depth + 1));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getString();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
                        : Long.valueOf(parser.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw error(parser.currentTokenLocation(), "unexpected JSON token " + token);
        }
    }

    private GraphParseException tooDeep(JsonParser parser) {
        TokenStreamLocation at = parser.currentTokenLocation();
        return limits.tooDeep(at.getLineNr(), at.getColumnNr());
    }
}
