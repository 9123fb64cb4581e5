package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.PythonOperators;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the argument syntax of {@code print(graph)} within one line: {@code %refs}, numbers, None/True/False,
 * tuples, lists, dicts with unquoted keys, {@code slice(...)}, reprs such as {@code device(type='cpu')}, and
 * unquoted strings. Positions in errors are the upload's line and 1-based column. The line is a region of the
 * whole upload, so no line is copied out of it; one scanner reads line after line ({@link #startLine}).
 */
final class ArgScanner {

    private final String text;
    /** Where the current line's text ends in {@link #text}. */
    private int end;
    private int line;
    private int columnOffset;
    private final DefinedNames definedNames;
    private BareNames bareNames;
    private final ParseLimits limits;
    private int depth;
    private final List<List<Arg>> scratch = new ArrayList<>();

    /** The defining node's own name string for a name spelled in a region of a text, or null before it is defined. */
    @FunctionalInterface
    interface DefinedNames {
        String find(String text, int from, int to);
    }

    /** What an unquoted identifier means where it appears. */
    enum BareNames {
        /** A string: {@code model.layers.0.attn}, {@code shape}. */
        STRINGS,
        /** A node, which must exist: the return line prints nodes without {@code %}. */
        NODES,
        /** A node when one has that name, else a string: {@code slice(None, floordiv, None)} prints nodes bare. */
        NODES_IF_DEFINED
    }
    private int pos;

    ArgScanner(String text, DefinedNames definedNames, ParseLimits limits) {
        this.text = text;
        this.definedNames = definedNames;
        this.limits = limits;
    }

    /**
     * Scans the line of {@code text} that ends at {@code end}, from {@code start}.
     *
     * @param columnOffset column of {@code text.charAt(0)} minus one, for errors (minus the line's start offset)
     * @param bareNames    what an unquoted identifier means here
     */
    ArgScanner startLine(int start, int end, int line, int columnOffset, BareNames bareNames) {
        this.pos = start;
        this.end = end;
        this.line = line;
        this.columnOffset = columnOffset;
        this.bareNames = bareNames;
        this.depth = 0;
        return this;
    }

    /** Where the current line ends in the text. */
    int end() {
        return end;
    }

    int pos() {
        return pos;
    }

    /** Continues scanning at {@code position} of the same text. */
    void moveTo(int position) {
        pos = position;
    }

    GraphParseException error(String message) {
        return error(message, pos);
    }

    GraphParseException error(String message, int at) {
        return new GraphParseException(message, line, columnOffset + at + 1);
    }

    void skipSpaces() {
        while (pos < end && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    boolean atEnd() {
        skipSpaces();
        return pos >= end;
    }

    boolean tryConsume(String token) {
        skipSpaces();
        if (pos + token.length() <= end && text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    void expect(String token) {
        if (!tryConsume(token)) {
            throw error(pos >= end ? "expected '" + token + "' but the line ends (truncated?)"
                    : "expected '" + token + "' but found '" + snippet() + "'");
        }
    }

    private String snippet() {
        return text.substring(pos, Math.min(end, pos + 20));
    }

    /** One argument; containers recurse, so the nesting cap is checked first. */
    Arg parseArg() {
        skipSpaces();
        if (pos >= end) {
            throw error("expected an argument but the line ends (truncated?)");
        }
        if (++depth > limits.maxNestingDepth()) {
            throw limits.tooDeep(line, columnOffset + pos + 1);
        }
        try {
            return parseArgAt();
        } finally {
            depth--;
        }
    }

    private Arg parseArgAt() {
        char c = text.charAt(pos);
        switch (c) {
            case '%':
                return parseRef();
            case '(':
                pos++;
                return new Arg.Tuple(parseSequence(')'));
            case '[':
                pos++;
                return new Arg.ListArg(parseSequence(']'));
            case '{':
                pos++;
                return parseDict();
            case '\'':
            case '"':
                return new Arg.Str(parseQuoted());
            default:
                return parseAtom();
        }
    }

    private Arg parseRef() {
        int start = pos;
        pos++;
        int nameStart = pos;
        skipIdentifier();
        if (pos == nameStart) {
            throw error("expected a node name after '%'", start);
        }
        String defined = definedNames.find(text, nameStart, pos);
        if (defined == null) {
            throw error("reference to '%" + text.substring(nameStart, pos) + "', which is not defined before this line",
                    start);
        }
        return new Arg.Ref(defined);
    }

    String readIdentifier() {
        int start = pos;
        skipIdentifier();
        return text.substring(start, pos);
    }

    private void skipIdentifier() {
        while (pos < end && IdentifierChars.isPart(text.charAt(pos))) {
            pos++;
        }
    }

    /** The items up to {@code close}, as an immutable list (most calls have one or two arguments: no array then). */
    List<Arg> parseSequence(char close) {
        // Items are collected in a list kept for this nesting depth, reused line after line.
        while (scratch.size() <= depth) {
            scratch.add(new ArrayList<>(4));
        }
        List<Arg> items = scratch.get(depth);
        items.clear();
        while (true) {
            skipSpaces();
            if (pos < end && text.charAt(pos) == close) {
                pos++;
                return immutable(items);
            }
            items.add(parseArg());
            skipSpaces();
            if (pos < end && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < end && text.charAt(pos) == close) {
                pos++;
                return immutable(items);
            } else {
                throw error(pos >= end ? "expected '" + close + "' but the line ends (truncated?)"
                        : "expected ',' or '" + close + "' but found '" + snippet() + "'");
            }
        }
    }

    private static List<Arg> immutable(List<Arg> items) {
        return switch (items.size()) {
            case 0 -> List.of();
            case 1 -> List.of(items.get(0));
            case 2 -> List.of(items.get(0), items.get(1));
            default -> List.copyOf(items);
        };
    }

    private Arg parseDict() {
        Map<String, Arg> entries = null;
        while (true) {
            skipSpaces();
            if (pos < end && text.charAt(pos) == '}') {
                pos++;
                return entries == null ? Arg.EMPTY_DICT : new Arg.Dict(entries);
            }
            entries = entries == null ? new LinkedHashMap<>() : entries;
            int keyStart = pos;
            String key = pos < end && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')
                    ? parseQuoted() : readIdentifier();
            if (key.isEmpty()) {
                throw error(pos >= end ? "expected '}' but the line ends (truncated?)"
                        : "expected a dict key or '}' but found '" + snippet() + "'", keyStart);
            }
            expect(":");
            entries.put(key, parseArg());
            skipSpaces();
            if (tryConsume(",")) {
                continue;
            }
            if (!tryConsume("}")) {
                throw error(pos >= end ? "expected '}' but the line ends (truncated?)"
                        : "expected ',' or '}' but found '" + snippet() + "'");
            }
            return new Arg.Dict(entries);
        }
    }

    private String parseQuoted() {
        char quote = text.charAt(pos);
        int start = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < end && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\\' && pos + 1 < end) {
                pos++;
            }
            sb.append(text.charAt(pos++));
        }
        if (pos >= end) {
            throw error("unterminated string", start);
        }
        pos++;
        return sb.toString();
    }

    /** Numbers, keywords, {@code slice(...)}, {@code name(...)} reprs and bare strings. */
    private Arg parseAtom() {
        int start = pos;
        // A bare token runs to the next separator at this nesting depth; parentheses inside it nest.
        int nesting = 0;
        while (pos < end) {
            char c = text.charAt(pos);
            if (c == '(' || c == '[' || c == '{') {
                nesting++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (nesting == 0) {
                    break;
                }
                nesting--;
            } else if (c == ',' && nesting == 0) {
                break;
            } else if (c == '\'' || c == '"') {
                int close = text.indexOf(c, pos + 1);
                if (close < 0 || close >= end) {
                    throw error("unterminated quote in '" + text.substring(start, end) + "'", pos);
                }
                pos = close;
            }
            pos++;
        }
        if (nesting != 0) {
            throw error("unbalanced brackets in '" + text.substring(start, pos) + "'", start);
        }
        String token = text.substring(start, pos).trim();
        if (token.isEmpty()) {
            throw error("expected an argument", start);
        }
        if (token.startsWith("slice(") && token.endsWith(")")) {
            ArgScanner inner = new ArgScanner(text, definedNames, limits).startLine(start + "slice(".length(), end, line,
                    columnOffset, bareNames == BareNames.STRINGS ? BareNames.NODES_IF_DEFINED : bareNames);
            inner.depth = depth;
            List<Arg> parts = inner.parseSequence(')');
            if (parts.size() != 3) {
                throw error("slice(...) takes three arguments (start, stop, step)", start);
            }
            return new Arg.Slice(parts.get(0), parts.get(1), parts.get(2));
        }
        return literal(token, start);
    }

    private Arg literal(String token, int start) {
        Arg constant = PythonOperators.constant(token);
        if (constant != null) {
            return constant;
        }
        if (isInteger(token)) {
            try {
                return Arg.IntLit.of(Long.parseLong(token));
            } catch (NumberFormatException tooLarge) {
                return new Arg.Repr(token); // Python ints are unbounded; kept as written, not rounded to a float
            }
        }
        if (isFloat(token)) {
            return new Arg.FloatLit(token);
        }
        if (bareNames == BareNames.NODES_IF_DEFINED && isIdentifier(token) && defined(token) != null) {
            return new Arg.Ref(defined(token));
        }
        if (bareNames == BareNames.NODES && isIdentifier(token)) {
            String defined = defined(token);
            if (defined == null) {
                throw error("the output references '" + token + "', which is not a node of the graph", start);
            }
            return new Arg.Ref(defined);
        }
        if (token.startsWith("torch.") || token.contains("(") || token.startsWith("<")) {
            return new Arg.Repr(token);
        }
        return new Arg.Str(token);
    }

    private String defined(String name) {
        return definedNames.find(name, 0, name.length());
    }

    private static boolean isInteger(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i >= s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFloat(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        int digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int exponent = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == exponent) {
                return false;
            }
        }
        return i == s.length();
    }

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!IdentifierChars.isPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
