package dev.piecewise.run;

import dev.piecewise.partition.RepeatedPieces;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run page's account of repeated pieces, from the run's stored {@code repetition}: one line per group
 * ("submod_2, 6, 10, …, 30: 8 × the same graph") and, for the diagram and the submodule list, how many
 * identical pieces each submodule is one of.
 *
 * @param groupsShown the groups listed, the largest first
 * @param groupsLeft  how many more groups there are
 * @param repeats     for every submodule in a group, the group's size
 * @param groupOf     for every submodule in a group, the label of its group
 */
record RepetitionView(RepeatedPieces.Repetition repetition, List<Row> groupsShown, int groupsLeft,
                      Map<String, Integer> repeats, Map<String, String> groupOf) {

    static final int GROUPS_SHOWN = 50;

    /** @param page the run page listing the first piece of the group */
    record Row(String label, int count, int nodeCount, boolean splitting, String first, int page, String hash) {
    }

    /** @return null for runs without a repetition (the split failed, or stored before it was computed) */
    static RepetitionView of(RunReport run, int perPage) {
        RepeatedPieces.Repetition repetition = run.repetition();
        if (repetition == null) {
            return null;
        }
        Map<String, Integer> index = new HashMap<>(run.submodules().size() * 2);
        run.submodules().forEach(s -> index.put(s.name(), index.size()));
        Map<String, Integer> repeats = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (RepeatedPieces.Group g : repetition.groups()) {
            String label = label(g.submodules());
            g.submodules().forEach(s -> {
                repeats.put(s, g.submodules().size());
                groupOf.put(s, label);
            });
            rows.add(new Row(label, g.submodules().size(), g.nodeCount(), g.splitting(), g.submodules().get(0),
                    index.getOrDefault(g.submodules().get(0), 0) / perPage, g.hash()));
        }
        rows.sort(java.util.Comparator.comparingInt(Row::count).reversed());
        List<Row> shown = rows.subList(0, Math.min(GROUPS_SHOWN, rows.size()));
        return new RepetitionView(repetition, List.copyOf(shown), rows.size() - shown.size(), repeats, groupOf);
    }

    /** "submod_2, 6, 10, …, 30": the first three and the last; numbers alone after the first submod_. */
    static String label(List<String> names) {
        List<String> listed = names.size() <= 5 ? names
                : List.of(names.get(0), names.get(1), names.get(2), "…", names.get(names.size() - 1));
        StringBuilder sb = new StringBuilder(listed.get(0));
        for (String name : listed.subList(1, listed.size())) {
            sb.append(", ").append(name.startsWith("submod_") ? name.substring("submod_".length()) : name);
        }
        return sb.toString();
    }
}
