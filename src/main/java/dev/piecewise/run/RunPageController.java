package dev.piecewise.run;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.archive.ArchiveException;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.Relocation;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.Submodule;
import dev.piecewise.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.ModelAndView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The pages: upload, history, one run, option sets compared, two runs diffed. Same service as the API. */
@Controller
class RunPageController {

    static final int PAGE_SIZE = 20;
    static final int SUBMODULES_PER_PAGE = 40;
    /** Problems the verdict lists in full; the rest of the listed ones (each still traced) open on demand. */
    static final int PROBLEMS_ABOVE_THE_FOLD = 6;
    /** Problems a page lists at all: a graph with thousands of them says how many and lists these. */
    static final int PROBLEMS_LISTED = ValueTraces.MAX_VALUES;

    private final RunService service;
    private final UploadRuns uploads;
    private final long maxUploadBytes;

    RunPageController(RunService service, UploadRuns uploads, @Value("${piecewise.upload.max-size}") DataSize maxUpload) {
        this.service = service;
        this.uploads = uploads;
        this.maxUploadBytes = maxUpload.toBytes();
    }

    /** Every page of this controller may label option values with where they stand in vLLM. */
    @ModelAttribute("origins")
    OptionOrigins origins() {
        return OptionOrigins.INSTANCE;
    }

    @ModelAttribute("sizeStrategies")
    SizeStrategy[] sizeStrategies() {
        return SizeStrategy.values();
    }

    @GetMapping("/")
    String upload(Model model) {
        model.addAttribute("form", new UploadForm());
        return "upload";
    }

    /** Partitions the chosen file or the pasted text; {@code compare} runs every option set instead. */
    @PostMapping("/runs")
    String create(@ModelAttribute("form") UploadForm form, @RequestParam(required = false) MultipartFile file,
                  @RequestParam(defaultValue = "partition") String action, Model model,
                  HttpServletResponse response) throws IOException {
        boolean fromFile = file != null && !file.isEmpty();
        if (fromFile && !form.getText().isBlank()) {
            // Neither wins silently: the page asks before sending both, and without scripts the form says so.
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("errorTitle", "Both a file and pasted text were given.");
            model.addAttribute("error", "Which one should be partitioned, " + file.getOriginalFilename() + " or the "
                    + "pasted text? The text is kept below: send it again to use it, or clear it and choose the file again.");
            return "upload";
        }
        byte[] upload = fromFile ? file.getBytes() : form.getText().getBytes(StandardCharsets.UTF_8);
        String fileName = fromFile ? file.getOriginalFilename() : null;
        if (upload.length > maxUploadBytes) {
            response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            model.addAttribute("errorTitle", "The graph is too large.");
            model.addAttribute("error", "it has " + Problems.size(upload.length) + "; the limit is "
                    + Problems.size(maxUploadBytes) + " (piecewise.upload.max-size)");
            return "upload";
        }
        try {
            RunRequest request = RunRequest.fromParameters(form.parameters());
            if (action.equals("compare")) {
                return comparing(service.startComparison(upload, fileName, request));
            }
            return "redirect:/runs/" + uploads.create(upload, fileName, form.parameters(), RunService.Next.VIEW).runs().get(0).id();
        } catch (GraphParseException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("errorTitle", "The graph cannot be used.");
            model.addAttribute("error", e.reason());
            model.addAttribute("errorLine", e.line());
            model.addAttribute("errorColumn", e.column());
            model.addAttribute("errorSource", fromFile ? fileName : "the pasted text");
            return "upload";
        } catch (ArchiveException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("errorTitle", "The archive cannot be used.");
            model.addAttribute("error", e.getMessage());
            return "upload";
        } catch (BadOptionException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("errorTitle", "The options cannot be used.");
            model.addAttribute("error", e.getMessage());
            return "upload";
        }
    }

    @GetMapping("/runs")
    String history(@RequestParam(defaultValue = "0") int page, @RequestParam(required = false) String name,
                   @RequestParam(required = false) String verdict, @RequestParam(required = false) String sizeStrategy,
                   @RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        RunFilter filter = RunFilter.parse(name, verdict, sizeStrategy, from, to);
        HistoryEntry.Page runs = service.history(filter, Math.max(0, page), PAGE_SIZE);
        model.addAttribute("runs", runs);
        model.addAttribute("filtered", !filter.filtersNothing());
        model.addAttribute("filter", filter);
        model.addAttribute("outcomes", Outcome.values());
        model.addAttribute("pages", (int) Math.max(1, (runs.total() + PAGE_SIZE - 1) / PAGE_SIZE));
        return "history";
    }

    /**
     * One run, from its stored document alone: the page lists one page of submodules (or only those with
     * problems) and the node rows of those submodules. {@code find} opens the page holding the {@code hit}-th
     * match of a node, target or submodule ({@link RunSearch}) and marks it.
     */
    @GetMapping("/runs/{id}")
    String run(@PathVariable String id, @RequestParam(defaultValue = "0") int page,
               @RequestParam(defaultValue = "false") boolean problemsOnly,
               @RequestParam(required = false) String find, @RequestParam(defaultValue = "0") int hit,
               @RequestParam(required = false) String rowsOf, @RequestParam(defaultValue = "0") int rowsFrom,
               Model model) {
        RunDocument document = service.document(id);
        RunReport run = document.run();
        model.addAttribute("run", run);
        Set<String> withProblems = new HashSet<>();
        run.verdict().problems().forEach(p -> withProblems.add(p.submodule()));
        List<RunSearch.Hit> hits = RunSearch.find(document, find);
        RunSearch.Hit found = hits.isEmpty() ? null : hits.get(Math.min(Math.max(0, hit), hits.size() - 1));
        if (found != null) {
            problemsOnly = false; // a match is shown among every submodule
            page = found.submoduleIndex() / SUBMODULES_PER_PAGE;
        }
        model.addAttribute("find", find == null ? "" : find.strip());
        model.addAttribute("hits", hits.size());
        model.addAttribute("hitIndex", found == null ? 0 : hits.indexOf(found));
        model.addAttribute("found", found);
        List<Submodule> listed = problemsOnly
                ? run.submodules().stream().filter(s -> withProblems.contains(s.name())).toList() : run.submodules();
        int pages = Math.max(1, (listed.size() + SUBMODULES_PER_PAGE - 1) / SUBMODULES_PER_PAGE);
        int current = Math.min(Math.max(0, page), pages - 1);
        List<Submodule> shown = listed.subList(current * SUBMODULES_PER_PAGE,
                Math.min(listed.size(), (current + 1) * SUBMODULES_PER_PAGE));
        model.addAttribute("submodules", shown);
        model.addAttribute("listedCount", listed.size());
        model.addAttribute("problemsOnly", problemsOnly);
        model.addAttribute("withProblems", withProblems);
        model.addAttribute("page", current);
        model.addAttribute("pages", pages);
        model.addAttribute("perPage", SUBMODULES_PER_PAGE);
        RepetitionView repetition = RepetitionView.of(run, SUBMODULES_PER_PAGE);
        model.addAttribute("repetition", repetition);
        model.addAttribute("diagram", RunDiagram.svg(run, shown, repetition == null ? Map.of() : repetition.repeats(),
                found == null ? null : found.submodule()));
        Map<String, List<Relocation>> relocations = new HashMap<>();
        for (Relocation r : run.relocations()) {
            java.util.stream.Stream.of(r.from(), r.to()).filter(Objects::nonNull).distinct()
                    .forEach(s -> relocations.computeIfAbsent(s, k -> new ArrayList<>()).add(r));
        }
        model.addAttribute("relocationsBySubmodule", relocations);
        // Slices, so a run with thousands of problems or relocations renders only what the page shows.
        List<Problem> problems = run.verdict().problems();
        List<Problem> listedProblems = problems.subList(0, Math.min(PROBLEMS_LISTED, problems.size()));
        model.addAttribute("firstProblems", listedProblems.subList(0, Math.min(PROBLEMS_ABOVE_THE_FOLD, listedProblems.size())));
        model.addAttribute("moreProblems", listedProblems.subList(Math.min(PROBLEMS_ABOVE_THE_FOLD, listedProblems.size()), listedProblems.size()));
        model.addAttribute("relocationsShown", run.relocations().subList(0, Math.min(200, run.relocations().size())));
        Map<String, NodeWindow> windows = new HashMap<>(shown.size() * 2);
        for (Submodule s : shown) {
            int foundAt = found != null && found.node() != null && found.submodule().equals(s.name())
                    ? s.nodes().indexOf(found.node()) : -1;
            windows.put(s.name(), NodeWindow.of(s, s.name().equals(rowsOf) ? rowsFrom : 0, foundAt));
        }
        model.addAttribute("windows", windows);
        model.addAttribute("rowsShown", NodeWindow.ROWS);
        model.addAttribute("valuesShown", NodeWindow.VALUES);
        model.addAttribute("nodes", nodeRows(document, shown, windows));
        model.addAttribute("codeLink", run.verdict().outcome() == Outcome.SPLIT_FAILS ? null : "/api/runs/" + id + "/code");
        VerdictView.addTo(model, document, listedProblems, SUBMODULES_PER_PAGE);
        return "run";
    }

    /** The node rows the page shows only; empty when the document has none (split-fails, older runs). */
    private static Map<String, RunDocument.NodeRow> nodeRows(RunDocument document, List<Submodule> shown,
                                                             Map<String, NodeWindow> windows) {
        Set<String> wanted = new HashSet<>();
        shown.forEach(s -> wanted.addAll(windows.get(s.name()).nodes(s)));
        Map<String, RunDocument.NodeRow> rows = new HashMap<>(wanted.size() * 2);
        for (RunDocument.NodeRow row : document.nodes()) {
            if (wanted.contains(row.name())) {
                rows.put(row.name(), row);
            }
        }
        return rows;
    }

    /**
     * The run page's one-click re-runs: the run's upload and options, with the options the form names instead
     * (the splitting ops a graph that was not split calls, a suggestion, another graph of a multi-graph log).
     */
    @PostMapping("/runs/{id}/rerun")
    String rerun(@PathVariable String id, @RequestParam MultiValueMap<String, String> given) {
        RunReport.Options options = service.get(id).options();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("splittingOps", String.join(",", options.splittingOps()));
        params.put("sizeStrategy", options.sizeStrategy().id());
        params.put("getitemRule", options.getitemRule().id());
        params.put("mergeConsecutiveSplits", String.valueOf(options.mergeConsecutiveSplits()));
        params.put("mergeEmptyAllocations", String.valueOf(options.mergeEmptyAllocations()));
        given.forEach((option, values) -> {
            if (!option.equals(CSRF_PARAMETER)) {
                params.put(option, String.join(",", values));
            }
        });
        RunRequest request = RunRequest.fromParameters(params);
        Integer graphIndex = given.containsKey("graphIndex") ? request.graphIndex() : null;
        return "redirect:/runs/" + service.rerun(id, request.options(), graphIndex).id();
    }

    /** The token field Spring Security adds to the pages' forms when authentication is on. */
    private static final String CSRF_PARAMETER = "_csrf";

    @PostMapping("/runs/{id}/delete")
    String delete(@PathVariable String id) {
        service.delete(id);
        return "redirect:/runs";
    }

    @GetMapping("/runs/{id}/compare")
    String compare(@PathVariable String id, Model model) {
        RunOutline run = service.outline(id);
        model.addAttribute("run", run);
        model.addAttribute("rows", service.comparisonOf(run).map(service::comparisonRows).orElse(List.of()));
        model.addAttribute("problemsShown", ComparisonRow.PROBLEMS_SHOWN);
        return "compare";
    }

    /** Compares the run's graph under every option set, or opens the comparison made before. */
    @PostMapping("/runs/{id}/compare")
    String compareNow(@PathVariable String id) {
        return comparing(service.startComparison(id));
    }

    /**
     * How long a request that starts a comparison waits for it before showing its progress: a comparison of a
     * 100k-node graph takes about a second, and is then shown without the progress page at all.
     */
    private static final java.time.Duration STARTED_WAIT = java.time.Duration.ofSeconds(3);
    /** How long the progress page waits for the comparison before it answers; it reloads a moment later. */
    private static final java.time.Duration PROGRESS_WAIT = java.time.Duration.ofSeconds(1);

    private String comparing(String group) {
        service.awaitComparison(group, STARTED_WAIT);
        return "redirect:/comparing/" + group;
    }

    /** A comparison under way: the page reloads itself until the runs are stored, then shows them. */
    @GetMapping("/comparing/{group}")
    String comparing(@PathVariable String group, Model model, HttpServletResponse response) {
        // Answered when the comparison is stored, or after a second with its progress, so the page shows the
        // comparison as soon as it is there rather than at its next reload.
        service.awaitComparison(group, PROGRESS_WAIT);
        // Progress first: a comparison is stored before it stops running, so one that is not running any more
        // is found among the stored groups; read the other way round, one finishing in between is in neither.
        Optional<RunService.ComparisonProgress> running = service.comparison(group);
        List<String> members = service.groupMembers(group);
        if (!members.isEmpty()) {
            return "redirect:/runs/" + members.get(0) + "/compare";
        }
        RunService.ComparisonProgress progress = running.orElseThrow(() -> new RunNotFoundException(group));
        if (progress.error() != null) {
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            return errorPage(model, "The comparison failed", progress.error());
        }
        model.addAttribute("progress", progress);
        model.addAttribute("group", group);
        return "comparing";
    }

    /** The history's "diff the selected runs" form. */
    @GetMapping("/diff")
    String diffSelected(@RequestParam(name = "run", required = false) List<String> runs) {
        if (runs == null || runs.size() != 2) {
            throw new BadOptionException("run", "select exactly two runs to diff");
        }
        return "redirect:/runs/" + runs.get(0) + "/diff/" + runs.get(1);
    }

    @GetMapping("/runs/{a}/diff/{b}")
    String diff(@PathVariable String a, @PathVariable String b, Model model) {
        RunReport before = service.get(a);
        RunReport after = service.get(b);
        model.addAttribute("a", before);
        model.addAttribute("b", after);
        model.addAttribute("diff", RunDiff.of(before, after));
        return "diff";
    }

    @ExceptionHandler(RunNotFoundException.class)
    @ResponseStatus(org.springframework.http.HttpStatus.NOT_FOUND)
    String notFound(RunNotFoundException e, Model model) {
        return errorPage(model, "No such run", e.getMessage());
    }

    @ExceptionHandler(BadOptionException.class)
    @ResponseStatus(org.springframework.http.HttpStatus.BAD_REQUEST)
    String badFilter(BadOptionException e, Model model) {
        return errorPage(model, "That request cannot be answered", e.getMessage());
    }

    /** {@code ?page=abc}: a page for browsers, problem details for API clients. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    Object badParameter(MethodArgumentTypeMismatchException e,
                        HttpServletRequest request) {
        ProblemDetail problem = Problems.badParameter(e);
        if (!Problems.forBrowser(request)) {
            return Problems.response(problem);
        }
        ModelAndView page = new ModelAndView("error-page", HttpStatus.BAD_REQUEST);
        page.addObject("heading", "That address has a bad " + e.getName());
        page.addObject("message", problem.getDetail() + ".");
        return page;
    }

    private static String errorPage(Model model, String heading, String message) {
        model.addAttribute("heading", heading);
        model.addAttribute("message", message);
        return "error-page";
    }
}
