package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;

import java.util.ArrayList;
import java.util.List;

/** Tokens of the logical lines of the Python FX's code generator emits. */
final class PyTokens {

    /** IMAGINARY is a number ending in {@code j} ({@code 2j}); BYTES a {@code b'...'} literal kept as written. */
    enum Type { NAME, NUMBER, IMAGINARY, STRING, BYTES, OP, END }

    record Token(Type type, String text, int line, int column) {
        boolean is(String op) {
            return (type == Type.OP || type == Type.NAME) && text.equals(op);
        }
    }

    private PyTokens() {
    }

    /**
     * Tokenizes one logical line: physical lines from {@code lines[from]} up to the one where the brackets opened
     * balance (an expanded signature or a multi-line return spans several), found by the tokens themselves, so
     * brackets in strings and comments do not count; a '#' outside strings ends a physical line.
     */
    static LogicalLine logicalLine(List<SourceLine> lines, int from) {
        List<Token> tokens = new ArrayList<>();
        SourceLine last = lines.get(from);
        int next = from;
        int depth = 0;
        do {
            SourceLine line = lines.get(next++);
            if (!line.text().isBlank()) {
                last = line; // a truncated statement ends where its text ends, not on trailing blank lines
            }
            depth += tokenizeLine(line, tokens);
        } while (depth > 0 && next < lines.size());
        tokens.add(new Token(Type.END, "", last.line(), last.column(last.text().length())));
        return new LogicalLine(tokens, next, lines.get(next - 1));
    }

    /**
     * A logical line's tokens, ending with {@link Type#END}.
     *
     * @param next     the index of the physical line after it
     * @param lastLine its last physical line
     */
    record LogicalLine(List<Token> tokens, int next, SourceLine lastLine) {
    }

    /** Adds the tokens of one physical line; returns the brackets they open less those they close. */
    private static int tokenizeLine(SourceLine source, List<Token> tokens) {
        String s = source.text();
        int n = s.length();
        int i = 0;
        int depth = 0;
        while (i < n) {
            char c = s.charAt(i);
            int column = source.column(i);
            if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '#') {
                return depth;
            } else if (isQuote(c) || (isStringPrefix(s, i) && i + 1 < n)) {
                i = string(source, i, tokens);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && IdentifierChars.isPart(s.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Type.NAME, s.substring(start, i), source.line(), column));
            } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(s.charAt(i + 1)))) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_'
                        || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')
                        && !s.startsWith("0x", start) && !s.startsWith("0X", start)))) {
                    i++;
                }
                String text = s.substring(start, i);
                char end = text.charAt(text.length() - 1);
                tokens.add(new Token(end == 'j' || end == 'J' ? Type.IMAGINARY : Type.NUMBER, text, source.line(), column));
            } else {
                String op = operator(s, i);
                if (op == null) {
                    throw new GraphParseException("unexpected character '" + c + "'", source.line(), column);
                }
                tokens.add(new Token(Type.OP, op, source.line(), column));
                depth += c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
                i += op.length();
            }
        }
        return depth;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"';
    }

    /** {@code b'..'}, {@code r'..'}, {@code u'..'}, {@code rb'..'} and the like. */
    private static boolean isStringPrefix(String s, int i) {
        if ("bBrRuU".indexOf(s.charAt(i)) < 0) { // most tokens: no prefix letter at all
            return false;
        }
        int j = i;
        while (j < s.length() && j - i < 2 && "bBrRuU".indexOf(s.charAt(j)) >= 0) {
            j++;
        }
        return j > i && j < s.length() && isQuote(s.charAt(j)) && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)));
    }

    /** Reads a string literal at {@code i} with Python's escapes; returns the index after it. */
    private static int string(SourceLine source, int i, List<Token> tokens) {
        String s = source.text();
        int start = i;
        boolean raw = false;
        boolean bytes = false;
        while (!isQuote(s.charAt(i))) {
            char p = Character.toLowerCase(s.charAt(i));
            raw |= p == 'r';
            bytes |= p == 'b';
            i++;
        }
        char quote = s.charAt(i);
        boolean triple = tripleAt(s, i, quote);
        i += triple ? 3 : 1;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new GraphParseException("unterminated string", source.line(), source.column(start));
            }
            char c = s.charAt(i);
            if (c == quote && (!triple || tripleAt(s, i, quote))) {
                i += triple ? 3 : 1;
                break;
            }
            if (c == '\\' && i + 1 < s.length()) {
                if (raw) {
                    sb.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else {
                    i = escape(source, i, sb);
                }
            } else {
                sb.append(c);
                i++;
            }
        }
        tokens.add(bytes ? new Token(Type.BYTES, s.substring(start, i), source.line(), source.column(start))
                : new Token(Type.STRING, sb.toString(), source.line(), source.column(start)));
        return i;
    }

    /** Whether the {@code quote} at {@code i} is the first of three. */
    private static boolean tripleAt(String s, int i, char quote) {
        return i + 2 < s.length() && s.charAt(i + 1) == quote && s.charAt(i + 2) == quote;
    }

    /** One backslash escape of Python's string literals at {@code i}; returns the index after it. */
    private static int escape(SourceLine source, int i, StringBuilder sb) {
        String s = source.text();
        char e = s.charAt(i + 1);
        switch (e) {
            case 'n': sb.append('\n'); return i + 2;
            case 't': sb.append('\t'); return i + 2;
            case 'r': sb.append('\r'); return i + 2;
            case 'a': sb.append('\u0007'); return i + 2;
            case 'b': sb.append('\b'); return i + 2;
            case 'f': sb.append('\f'); return i + 2;
            case 'v': sb.append('\u000b'); return i + 2;
            case '\\': case '\'': case '"': sb.append(e); return i + 2;
            case 'x': return hex(source, i, 2, sb);
            case 'u': return hex(source, i, 4, sb);
            case 'U': return hex(source, i, 8, sb);
            default:
                if (e >= '0' && e <= '7') {
                    int j = i + 1;
                    int value = 0;
                    while (j < s.length() && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                        value = value * 8 + (s.charAt(j) - '0');
                        j++;
                    }
                    sb.appendCodePoint(value);
                    return j;
                }
                sb.append('\\').append(e); // Python keeps an unknown escape as written
                return i + 2;
        }
    }

    private static int hex(SourceLine source, int i, int digits, StringBuilder sb) {
        String s = source.text();
        int from = i + 2;
        if (from + digits > s.length()) {
            throw new GraphParseException("truncated \\" + s.charAt(i + 1) + " escape", source.line(), source.column(i));
        }
        try {
            int codePoint = Integer.parseInt(s.substring(from, from + digits), 16);
            sb.appendCodePoint(codePoint);
        } catch (IllegalArgumentException bad) {
            throw new GraphParseException("malformed \\" + s.charAt(i + 1) + " escape", source.line(), source.column(i));
        }
        return from + digits;
    }

    /** The longest operator at {@code i}, or null. */
    private static String operator(String s, int i) {
        char c = s.charAt(i);
        char d = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        char e = i + 2 < s.length() ? s.charAt(i + 2) : 0;
        switch (c) {
            case '(': return "(";
            case ')': return ")";
            case '[': return "[";
            case ']': return "]";
            case '{': return "{";
            case '}': return "}";
            case ',': return ",";
            case ';': return ";";
            case '~': return "~";
            case ':': return d == '=' ? ":=" : ":";
            case '.': return d == '.' && e == '.' ? "..." : ".";
            case '*':
                if (d == '*') {
                    return e == '=' ? "**=" : "**";
                }
                return d == '=' ? "*=" : "*";
            case '/':
                if (d == '/') {
                    return e == '=' ? "//=" : "//";
                }
                return d == '=' ? "/=" : "/";
            case '<':
                if (d == '<') {
                    return e == '=' ? "<<=" : "<<";
                }
                return d == '=' ? "<=" : "<";
            case '>':
                if (d == '>') {
                    return e == '=' ? ">>=" : ">>";
                }
                return d == '=' ? ">=" : ">";
            case '-':
                return d == '=' ? "-=" : d == '>' ? "->" : "-";
            case '=': return d == '=' ? "==" : "=";
            case '!': return d == '=' ? "!=" : null;
            case '+': case '%': case '@': case '&': case '|': case '^':
                return d == '=' ? c + "=" : String.valueOf(c);
            default:
                return null;
        }
    }
}
