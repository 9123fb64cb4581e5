package dev.piecewise.run;

import java.time.Instant;
import java.util.List;

/**
 * One line of the history page: a run alone, or the runs of one group (a comparison, a trace's graphs, an
 * archive) that match the filter, oldest first.
 *
 * @param group      the group's id, or null for a run alone
 * @param comparison whether the group compares option sets of one graph
 */
public record HistoryEntry(String group, boolean comparison, List<RunReport.Summary> runs) {

    public HistoryEntry {
        runs = List.copyOf(runs);
    }

    public RunReport.Summary first() {
        return runs.get(0);
    }

    public Instant latest() {
        return runs.stream().map(RunReport.Summary::createdAt).max(Instant::compareTo).orElseThrow();
    }

    public int minNodes() {
        return runs.stream().mapToInt(RunReport.Summary::nodeCount).min().orElse(0);
    }

    public int maxNodes() {
        return runs.stream().mapToInt(RunReport.Summary::nodeCount).max().orElse(0);
    }

    public int minSubmodules() {
        return runs.stream().mapToInt(RunReport.Summary::submoduleCount).min().orElse(0);
    }

    public int maxSubmodules() {
        return runs.stream().mapToInt(RunReport.Summary::submoduleCount).max().orElse(0);
    }

    public long compilable() {
        return runs.stream().filter(RunReport.Summary::compilable).count();
    }

    /** A page of the history: {@code total} lines, {@code runs} runs in them. */
    public record Page(List<HistoryEntry> entries, int page, int size, long total, long runs) {
    }
}
