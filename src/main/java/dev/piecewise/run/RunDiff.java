package dev.piecewise.run;

import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What changed from one run to another: submodules, node placement, boundaries and the verdict. */
public record RunDiff(boolean sameGraph, List<String> addedSubmodules, List<String> removedSubmodules,
                      List<Move> movedNodes, List<Move> onlyBefore, List<Move> onlyAfter,
                      List<BoundaryChange> boundaryChanges, String verdictBefore, String verdictAfter,
                      boolean verdictChanged) {

    /** A node and the submodule it sits in on each side; null where the run does not have it. */
    public record Move(String node, String from, String to) {
    }

    /** A submodule whose inputs or outputs (with kinds) differ. */
    public record BoundaryChange(String submodule, String direction, List<String> before, List<String> after) {
    }

    static RunDiff of(RunReport a, RunReport b) {
        Map<String, Submodule> left = bySubmodule(a);
        Map<String, Submodule> right = bySubmodule(b);
        List<String> added = right.keySet().stream().filter(n -> !left.containsKey(n)).toList();
        List<String> removed = left.keySet().stream().filter(n -> !right.containsKey(n)).toList();
        Map<String, String> before = placement(a);
        Map<String, String> after = placement(b);
        List<Move> moves = new ArrayList<>();
        List<Move> gone = new ArrayList<>();
        before.forEach((node, sub) -> {
            if (!after.containsKey(node)) {
                gone.add(new Move(node, sub, null));
            } else if (!Objects.equals(sub, after.get(node))) {
                moves.add(new Move(node, sub, after.get(node)));
            }
        });
        List<Move> created = after.entrySet().stream().filter(e -> !before.containsKey(e.getKey()))
                .map(e -> new Move(e.getKey(), null, e.getValue())).toList();
        List<BoundaryChange> changes = new ArrayList<>();
        left.forEach((name, l) -> {
            Submodule r = right.get(name);
            if (r != null) {
                compare(changes, name, "inputs", l.inputs(), r.inputs());
                compare(changes, name, "outputs", l.outputs(), r.outputs());
            }
        });
        return new RunDiff(a.graph().sha256().equals(b.graph().sha256()), added, removed, moves, gone, created, changes,
                verdict(a), verdict(b), a.verdict().outcome() != b.verdict().outcome()
                        || a.verdict().compilable() != b.verdict().compilable());
    }

    public boolean identical() {
        return addedSubmodules.isEmpty() && removedSubmodules.isEmpty() && movedNodes.isEmpty() && onlyBefore.isEmpty()
                && onlyAfter.isEmpty() && boundaryChanges.isEmpty() && !verdictChanged();
    }

    private static String verdict(RunReport run) {
        return run.verdict().outcome().id() + (run.verdict().compilable() ? " (compiles)" : " (does not compile)");
    }

    private static Map<String, Submodule> bySubmodule(RunReport run) {
        Map<String, Submodule> map = new LinkedHashMap<>();
        run.submodules().forEach(s -> map.put(s.name(), s));
        return map;
    }

    private static Map<String, String> placement(RunReport run) {
        Map<String, String> map = new LinkedHashMap<>();
        run.submodules().forEach(s -> s.originalNodes().forEach(n -> map.put(n, s.name())));
        return map;
    }

    private static void compare(List<BoundaryChange> changes, String submodule, String direction,
                                List<SubmoduleValue> before, List<SubmoduleValue> after) {
        List<String> l = before.stream().map(v -> v.name() + ": " + v.kind().id()).toList();
        List<String> r = after.stream().map(v -> v.name() + ": " + v.kind().id()).toList();
        if (!l.equals(r)) {
            changes.add(new BoundaryChange(submodule, direction, l, r));
        }
    }
}
