package dev.piecewise.partition;

/** A finding about a run that is not the verdict itself; {@code node} and {@code submodule} may be null. */
public record Diagnostic(Severity severity, String code, String message, String node, String submodule) {

    public enum Severity {
        INFO, WARNING, ERROR;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Diagnostic info(String code, String message, String node, String submodule) {
        return new Diagnostic(Severity.INFO, code, message, node, submodule);
    }

    public static Diagnostic warning(String code, String message, String node, String submodule) {
        return new Diagnostic(Severity.WARNING, code, message, node, submodule);
    }

    public static Diagnostic error(String code, String message, String node, String submodule) {
        return new Diagnostic(Severity.ERROR, code, message, node, submodule);
    }
}
