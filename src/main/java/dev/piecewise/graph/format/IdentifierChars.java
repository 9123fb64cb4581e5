package dev.piecewise.graph.format;

/**
 * The characters a name continues with: letters, digits and '_'. Every node name and reference of an upload is
 * read through here, and nearly all are ASCII, so those are looked up in a table rather than asked of
 * {@link Character}, which takes several times as long.
 */
final class IdentifierChars {

    private static final boolean[] ASCII = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII[c] = Character.isLetterOrDigit(c) || c == '_';
        }
    }

    private IdentifierChars() {
    }

    static boolean isPart(char c) {
        return c < 128 ? ASCII[c] : Character.isLetterOrDigit(c);
    }
}
