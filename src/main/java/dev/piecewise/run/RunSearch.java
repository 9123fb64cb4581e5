package dev.piecewise.run;

import dev.piecewise.partition.Submodule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The run page's search ({@code /runs/{id}?find=...}): finds a node, a target or a submodule in the stored
 * document, so the page can open the one holding it. One pass over the node table and one over the submodules'
 * node lists, whatever the size of the run.
 *
 * <p>The most exact kind of match wins: a submodule or node of that name; else the nodes calling that target
 * (the whole target, or its last dotted parts: {@code oracle.attn.default}); else the nodes whose name or target
 * contains the text, ignoring case.
 */
final class RunSearch {

    /**
     * @param submodule      the submodule found, or the one holding the node
     * @param submoduleIndex its place in the run's submodule list
     * @param node           the node found, or null when the match is the submodule itself
     */
    record Hit(String submodule, int submoduleIndex, String node) {
    }

    private RunSearch() {
    }

    /** Every match of {@code query} in graph-id order of the submodules, then node order; empty when none. */
    static List<Hit> find(RunDocument document, String query) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            return List.of();
        }
        List<Submodule> submodules = document.run().submodules();
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < submodules.size(); i++) {
            Submodule s = submodules.get(i);
            if (s.name().equals(q)) {
                hits.add(new Hit(s.name(), i, null));
            }
            for (String node : s.nodes()) {
                if (node.equals(q)) {
                    hits.add(new Hit(s.name(), i, node));
                }
            }
        }
        if (!hits.isEmpty()) {
            return hits;
        }
        Set<String> byTarget = new HashSet<>();
        Set<String> byText = new HashSet<>();
        String dotted = "." + q;
        String lower = q.toLowerCase(Locale.ROOT);
        for (RunDocument.NodeRow row : document.nodes()) {
            String target = row.target() == null ? "" : row.target();
            if (target.equals(q) || target.endsWith(dotted)) {
                byTarget.add(row.name());
            } else if (byTarget.isEmpty() && (contains(row.name(), lower) || contains(target, lower))) {
                byText.add(row.name());
            }
        }
        Set<String> wanted = byTarget.isEmpty() ? byText : byTarget;
        if (byTarget.isEmpty()) {
            for (int i = 0; i < submodules.size(); i++) {
                if (contains(submodules.get(i).name(), lower)) {
                    hits.add(new Hit(submodules.get(i).name(), i, null));
                }
            }
        }
        if (wanted.isEmpty()) {
            return hits;
        }
        List<Hit> nodes = new ArrayList<>();
        for (int i = 0; i < submodules.size(); i++) {
            for (String node : submodules.get(i).nodes()) {
                if (wanted.contains(node)) {
                    nodes.add(new Hit(submodules.get(i).name(), i, node));
                }
            }
        }
        if (hits.isEmpty()) {
            return nodes;
        }
        hits.addAll(nodes);
        hits.sort(java.util.Comparator.comparingInt(Hit::submoduleIndex));
        return hits;
    }

    private static boolean contains(String text, String lowerCaseQuery) {
        return text.toLowerCase(Locale.ROOT).contains(lowerCaseQuery);
    }
}
