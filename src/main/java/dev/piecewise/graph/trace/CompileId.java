package dev.piecewise.graph.trace;

/**
 * Which compilation a TORCH_TRACE entry belongs to: Dynamo's frame id and the frame's compile count (written
 * {@code 0/0} as tlparse does), the attempt (a restart after a graph break is attempt 1) and, for distributed
 * runs, the rank.
 *
 * @param rank the rank the envelope names, or null when it names none
 */
public record CompileId(int frameId, int frameCompileId, int attempt, Integer rank) {

    /** {@code frame/compile}, the form users pass as the {@code compileId} option. */
    public String id() {
        return frameId + "/" + frameCompileId;
    }

    /** Whether {@code option} ({@code 0/0}, or {@code 0/0_1} with the attempt) names this compilation. */
    public boolean matches(String option) {
        String s = option.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.equals(id()) || s.equals(id() + "_" + attempt);
    }
}
