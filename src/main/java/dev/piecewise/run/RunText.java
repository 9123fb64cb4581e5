package dev.piecewise.run;

import dev.piecewise.graph.ValueKind;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Diagnostic;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;
import java.util.stream.Collectors;

/** A run, or a group of runs, on one terminal screen: what {@code Accept: text/plain} gets. */
final class RunText {

    static final MediaType TYPE = MediaType.parseMediaType("text/plain;charset=UTF-8");
    private static final int MAX_LISTED = 5;

    private RunText() {
    }

    /** Whether the request's Accept header prefers text/plain to JSON (JSON when it names neither or both equally). */
    static boolean wanted(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        MimeTypeUtils.sortBySpecificity(types);
        for (MediaType type : types) {
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON) && !type.isWildcardType()) {
                return false;
            }
            if (type.isCompatibleWith(MediaType.TEXT_PLAIN) && !type.isWildcardType()) {
                return true;
            }
        }
        return false;
    }

    static String summary(RunReport run) {
        StringBuilder sb = new StringBuilder();
        RunReport.Verdict v = run.verdict();
        sb.append(run.name()).append("  (").append(run.format()).append(", ").append(run.graph().nodeCount())
                .append(" nodes, sizeStrategy=").append(run.options().sizeStrategy().id()).append(")\n");
        sb.append(v.notSplit() && v.compilable() ? "NOT SPLIT" : v.compilable() ? "COMPILABLE" : "NOT COMPILABLE").append("  outcome: ")
                .append(v.outcome().id()).append('\n');
        sb.append(v.summary()).append('\n');
        sb.append("submodules: ").append(run.submodules().stream()
                .map(s -> s.name() + (s.splitting() ? "*" : "") + "[" + s.nodes().size() + "]")
                .collect(Collectors.joining(" -> "))).append("   (* splitting)\n");
        List<Crossing> notTensors = run.crossings().stream().filter(c -> c.kind() != ValueKind.TENSOR).toList();
        if (!notTensors.isEmpty()) {
            sb.append("crossings that are not tensors:\n");
            notTensors.stream().limit(MAX_LISTED).forEach(c -> sb.append("  ").append(c.value()).append(" (")
                    .append(c.kind().id()).append(") ").append(c.producer()).append(" -> ")
                    .append(String.join(", ", c.consumers())).append('\n'));
            more(sb, notTensors.size());
        }
        if (run.splitView() != null) {
            sb.append("vLLM's own split: ").append(run.splitView().sameAsRepartition() ? "the same as this run"
                    : "differs from this run: " + String.join("; ", run.splitView().differences().stream()
                    .limit(MAX_LISTED).toList())).append('\n');
        }
        List<Diagnostic> notes = run.diagnostics().stream().filter(d -> d.severity() != Diagnostic.Severity.INFO
                || d.code().startsWith("graph-break") || d.code().startsWith("splitting-ops")).toList();
        notes.stream().limit(MAX_LISTED).forEach(d -> sb.append(d.severity().id()).append(" ").append(d.code()).append(": ")
                .append(d.message()).append('\n'));
        more(sb, notes.size());
        if (v.suggestion() != null) {
            sb.append("compiles with: sizeStrategy=").append(v.suggestion().sizeStrategy().id()).append(" getitemRule=")
                    .append(v.suggestion().getitemRule().id()).append('\n');
        }
        return sb.append(page(run)).append('\n').toString();
    }

    static String summary(RunGroup group) {
        StringBuilder sb = new StringBuilder();
        List<RunReport> runs = group.runs().stream().map(RunAnswer::run).toList();
        long compilable = runs.stream().filter(r -> r.verdict().compilable()).count();
        sb.append(runs.size()).append(" runs, ").append(compilable).append(" compilable  (group ")
                .append(group.id()).append(")\n");
        for (RunReport run : runs) {
            sb.append(run.verdict().compilable() ? "  ok    " : "  FAIL  ").append(run.verdict().outcome().id()).append("  ")
                    .append(run.name()).append("  ").append(page(run)).append('\n');
        }
        return sb.toString();
    }

    private static void more(StringBuilder sb, int total) {
        if (total > MAX_LISTED) {
            sb.append("  ... and ").append(total - MAX_LISTED).append(" more\n");
        }
    }

    private static String page(RunReport run) {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path("/runs/{id}").buildAndExpand(run.id()).toUriString();
    }
}
