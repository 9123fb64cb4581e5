package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.PythonOperators;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads the argument syntax of {@code print(graph)} within one line: {@code %refs}, numbers, None/True/False,
 * tuples, lists, dicts with unquoted keys, {@code slice(...)}, reprs such as {@code device(type='cpu')}, and
 * unquoted strings. Positions in errors are the upload's line and 1-based column.
 */
final class ArgScanner {

    private final String text;
    private final int line;
    private final int columnOffset;
    /** The defining node's own name string for a name defined before this line, else null. */
    private final UnaryOperator<String> definedName;
    private final BareNames bareNames;
    private final ParseLimits limits;
    private int depth;

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

    /**
     * @param columnOffset     column of {@code text.charAt(0)} minus one
     * @param bareNames    what an unquoted identifier means here
     */
    ArgScanner(String text, int start, int line, int columnOffset, UnaryOperator<String> definedName, BareNames bareNames,
               ParseLimits limits) {
        this.text = text;
        this.limits = limits;
        this.pos = start;
        this.line = line;
        this.columnOffset = columnOffset;
        this.definedName = definedName;
        this.bareNames = bareNames;
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
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    boolean atEnd() {
        skipSpaces();
        return pos >= text.length();
    }

    boolean tryConsume(String token) {
        skipSpaces();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    void expect(String token) {
        if (!tryConsume(token)) {
            throw error(pos >= text.length() ? "expected '" + token + "' but the line ends (truncated?)"
                    : "expected '" + token + "' but found '" + snippet() + "'");
        }
    }

    private String snippet() {
        return text.substring(pos, Math.min(text.length(), pos + 20));
    }

    /** One argument; containers recurse, so the nesting cap is checked first. */
    Arg parseArg() {
        skipSpaces();
        if (pos >= text.length()) {
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
        String name = readIdentifier();
        if (name.isEmpty()) {
            throw error("expected a node name after '%'", start);
        }
        String defined = definedName.apply(name);
        if (defined == null) {
            throw error("reference to '%" + name + "', which is not defined before this line", start);
        }
        return new Arg.Ref(defined);
    }

    String readIdentifier() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    List<Arg> parseSequence(char close) {
        List<Arg> items = new ArrayList<>(4);
        while (true) {
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == close) {
                pos++;
                return items;
            }
            items.add(parseArg());
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < text.length() && text.charAt(pos) == close) {
                pos++;
                return items;
            } else {
                throw error(pos >= text.length() ? "expected '" + close + "' but the line ends (truncated?)"
                        : "expected ',' or '" + close + "' but found '" + snippet() + "'");
            }
        }
    }

    private Arg parseDict() {
        Map<String, Arg> entries = null;
        while (true) {
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == '}') {
                pos++;
                return entries == null ? Arg.EMPTY_DICT : new Arg.Dict(entries);
            }
            entries = entries == null ? new LinkedHashMap<>() : entries;
            int keyStart = pos;
            String key = pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')
                    ? parseQuoted() : readIdentifier();
            if (key.isEmpty()) {
                throw error(pos >= text.length() ? "expected '}' but the line ends (truncated?)"
                        : "expected a dict key or '}' but found '" + snippet() + "'", keyStart);
            }
            expect(":");
            entries.put(key, parseArg());
            skipSpaces();
            if (tryConsume(",")) {
                continue;
            }
            if (!tryConsume("}")) {
                throw error(pos >= text.length() ? "expected '}' but the line ends (truncated?)"
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
        while (pos < text.length() && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
                pos++;
            }
            sb.append(text.charAt(pos++));
        }
        if (pos >= text.length()) {
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
        while (pos < text.length()) {
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
                if (close < 0) {
                    throw error("unterminated quote in '" + text.substring(start) + "'", pos);
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
            ArgScanner inner = new ArgScanner(text, start + "slice(".length(), line, columnOffset, definedName,
                    bareNames == BareNames.STRINGS ? BareNames.NODES_IF_DEFINED : bareNames, limits);
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
                return new Arg.IntLit(Long.parseLong(token));
            } catch (NumberFormatException tooLarge) {
                return new Arg.Repr(token); // Python ints are unbounded; kept as written, not rounded to a float
            }
        }
        if (isFloat(token)) {
            return new Arg.FloatLit(token);
        }
        if (bareNames == BareNames.NODES_IF_DEFINED && isIdentifier(token) && definedName.apply(token) != null) {
            return new Arg.Ref(definedName.apply(token));
        }
        if (bareNames == BareNames.NODES && isIdentifier(token)) {
            String defined = definedName.apply(token);
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
            if (!(Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                return false;
            }
        }
        return true;
    }
}
