package dev.piecewise.run;

import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.SplittingOps;
import dev.piecewise.partition.Submodule;
import org.springframework.ui.Model;
import org.springframework.web.util.HtmlUtils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * What the run page says around the verdict, from the stored document alone: whether the graph was split at all,
 * the offending values traced to the user's code, the re-runs it offers, the options with where they stand in
 * vLLM, and the diagnostics with repeats grouped.
 */
final class VerdictView {

    /** Other graphs of a multi-graph upload offered as one-click runs. */
    static final int MAX_OTHER_GRAPHS = 20;

    private static final Pattern VLLM_REFERENCE = Pattern.compile("(vLLM (?:PR|issue) )#(\\d+)");

    private VerdictView() {
    }

    /**
     * @param shownProblems the problems the verdict lists with their traces
     * @param perPage       submodules a page lists, so a traced node links to the page that shows its row
     */
    static void addTo(Model model, RunDocument document, List<Problem> shownProblems, int perPage) {
        RunReport run = document.run();
        // A graph not split that still fails (a Size among its own outputs) keeps its failing verdict.
        model.addAttribute("notSplit", run.verdict().notSplit() && run.verdict().compilable());
        model.addAttribute("defaultOps", run.options().splittingOps().equals(SplittingOps.VLLM_DEFAULTS));
        Map<String, ValueTrace> traces = new HashMap<>();
        Set<String> offending = new HashSet<>();
        Set<String> tracedSubmodules = new HashSet<>();
        for (ValueTrace trace : document.traces()) {
            traces.put(trace.value(), trace);
            offending.add(trace.value());
            tracedSubmodules.add(trace.producer().submodule());
            trace.consumers().forEach(c -> {
                offending.add(c.node());
                tracedSubmodules.add(c.submodule());
            });
        }
        // A value that leaves one submodule and enters another is traced at its first problem only.
        Map<Problem, ValueTrace> problemTraces = new HashMap<>();
        Set<String> traced = new HashSet<>();
        for (Problem problem : shownProblems) {
            String value = ValueTraces.tracedNode(problem);
            if (traces.containsKey(value) && traced.add(value)) {
                problemTraces.put(problem, traces.get(value));
            }
        }
        model.addAttribute("problemTraces", problemTraces);
        model.addAttribute("offendingNodes", offending);
        Map<String, Integer> pageOf = new HashMap<>();
        List<Submodule> submodules = run.submodules();
        for (int i = 0; i < submodules.size(); i++) {
            if (tracedSubmodules.contains(submodules.get(i).name())) {
                pageOf.put(submodules.get(i).name(), i / perPage);
            }
        }
        model.addAttribute("pageOfSubmodule", pageOf);
        int graphs = run.graph().graphsInUpload();
        model.addAttribute("otherGraphs", IntStream.range(0, Math.min(graphs, MAX_OTHER_GRAPHS))
                .filter(i -> i != run.graph().graphIndex()).boxed().toList());
        model.addAttribute("diagnosticGroups", group(run.diagnostics()));
    }

    /**
     * Diagnostics of one code that say the same thing about different submodules ("split_module adds s77 to
     * submod_4's inputs") are one line with a count and the submodules, in the order they first appear.
     *
     * @param messageHtml the first one's message, escaped, with vLLM PR and issue numbers as links
     */
    record DiagnosticGroup(Diagnostic first, String messageHtml, int count, List<String> submodules) {
    }

    static List<DiagnosticGroup> group(List<Diagnostic> diagnostics) {
        Map<String, List<Diagnostic>> groups = new LinkedHashMap<>();
        for (Diagnostic d : diagnostics) {
            String message = d.submodule() == null ? d.message() : d.message().replace(d.submodule(), "\u0000");
            groups.computeIfAbsent(d.severity().id() + '\u0001' + d.code() + '\u0001' + message, k -> new ArrayList<>())
                    .add(d);
        }
        List<DiagnosticGroup> grouped = new ArrayList<>(groups.size());
        for (List<Diagnostic> same : groups.values()) {
            Diagnostic first = same.get(0);
            grouped.add(new DiagnosticGroup(first, linked(first.message()), same.size(),
                    same.size() == 1 ? List.of() : same.stream().map(Diagnostic::submodule)
                            .filter(Objects::nonNull).distinct().toList()));
        }
        return grouped;
    }

    private static String linked(String message) {
        return VLLM_REFERENCE.matcher(HtmlUtils.htmlEscape(message)).replaceAll(m -> m.group(1)
                + "<a href=\"https://github.com/vllm-project/vllm/" + (m.group(1).contains("PR") ? "pull/" : "issues/")
                + m.group(2) + "\">#" + m.group(2) + "</a>");
    }
}
