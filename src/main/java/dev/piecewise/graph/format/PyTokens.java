package dev.piecewise.graph.format;

import dev.piecewise.graph.GraphParseException;

import java.util.ArrayList;
import java.util.List;

/** Tokens of one logical line of the Python subset FX's code generator emits. */
final class PyTokens {

    enum Type { NAME, NUMBER, STRING, OP, END }

    record Token(Type type, String text, int line, int column) {
        boolean is(String op) {
            return (type == Type.OP || type == Type.NAME) && text.equals(op);
        }
    }

    private static final String[] OPERATORS = {"**=", "//=", "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "@=", "&=",
            "|=", "^=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", "...",
            "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":",
            ".", "=", ";"};

    private PyTokens() {
    }

    /** Tokenizes the given physical lines (one logical line); stops at a '#' comment outside strings. */
    static List<Token> tokenize(List<SourceLine> lines) {
        List<Token> tokens = new ArrayList<>();
        SourceLine last = lines.get(0);
        for (SourceLine line : lines) {
            if (!line.text().isBlank()) {
                last = line; // a truncated statement ends where its text ends, not on trailing blank lines
            }
        }
        for (SourceLine source : lines) {
            String s = source.text();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                int column = source.columnOffset() + i + 1;
                if (c == ' ' || c == '\t') {
                    i++;
                } else if (c == '#') {
                    break;
                } else if (Character.isLetter(c) || c == '_') {
                    int start = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                        i++;
                    }
                    tokens.add(new Token(Type.NAME, s.substring(start, i), source.line(), column));
                } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                    int start = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                            || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
                        i++;
                    }
                    tokens.add(new Token(Type.NUMBER, s.substring(start, i), source.line(), column));
                } else if (c == '\'' || c == '"') {
                    StringBuilder sb = new StringBuilder();
                    int j = i + 1;
                    while (j < s.length() && s.charAt(j) != c) {
                        if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                            j++;
                            char e = s.charAt(j);
                            sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                        } else {
                            sb.append(s.charAt(j));
                        }
                        j++;
                    }
                    if (j >= s.length()) {
                        throw new GraphParseException("unterminated string", source.line(), column);
                    }
                    tokens.add(new Token(Type.STRING, sb.toString(), source.line(), column));
                    i = j + 1;
                } else {
                    String op = null;
                    for (String candidate : OPERATORS) {
                        if (s.startsWith(candidate, i)) {
                            op = candidate;
                            break;
                        }
                    }
                    if (op == null) {
                        throw new GraphParseException("unexpected character '" + c + "'", source.line(), column);
                    }
                    tokens.add(new Token(Type.OP, op, source.line(), column));
                    i += op.length();
                }
            }
        }
        tokens.add(new Token(Type.END, "", last.line(), last.columnOffset() + last.text().length() + 1));
        return tokens;
    }
}
