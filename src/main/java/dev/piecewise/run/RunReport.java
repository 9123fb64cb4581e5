package dev.piecewise.run;

import java.time.Instant;
import java.util.List;

/** A stored run exactly as the API returns it (api.md, "The run"). */
public record RunReport(String id, String name, Instant createdAt, String format, Options options, GraphInfo graph,
                        List<SubmoduleView> submodules, List<String> emissionOrder, List<RelocationView> relocations,
                        List<CrossingView> crossings, List<CreatedNodeView> createdNodes,
                        List<DiagnosticView> diagnostics, Verdict verdict) {

    public record Options(List<String> splittingOps, String sizeStrategy, String getitemRule,
                          boolean mergeConsecutiveSplits, boolean mergeEmptyAllocations) {
    }

    /** @param shapesKnown whether the upload carried shapes, so inputs include split_module's threaded symbols */
    public record GraphInfo(int nodeCount, String sha256, long bytes, boolean shapesKnown) {
    }

    public record ValueView(String name, String kind, boolean threaded) {
    }

    public record SubmoduleView(String name, int graphId, boolean splitting, List<String> nodes,
                                List<ValueView> inputs, List<ValueView> outputs) {
    }

    public record RelocationView(String node, String action, List<String> into, String from, String to) {
    }

    public record CrossingView(String value, String kind, String producer, List<String> consumers, boolean kindGuessed) {
    }

    public record CreatedNodeView(String name, String target, String kind, String submodule) {
    }

    public record DiagnosticView(String severity, String code, String message, String node, String submodule) {
    }

    public record ProblemView(String submodule, String value, String kind, String direction, String producer,
                              List<String> consumers, String error) {
    }

    /** @param suggestion an option set that compiles when this one does not, or null */
    public record Verdict(String outcome, boolean compilable, String error, List<ProblemView> problems,
                          Options suggestion) {
    }

    /** One line of the run history. */
    public record Summary(String id, String name, Instant createdAt, String format, int nodeCount, int submoduleCount,
                          String outcome, boolean compilable, String sizeStrategy, String getitemRule) {
    }

    public record Page(List<Summary> items, int page, int size, long total) {
    }
}
