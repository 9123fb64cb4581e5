package dev.piecewise.run;

import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Submodule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An SVG of the submodules one run page lists, left to right in the order the top-level graph calls them, in
 * boxes of one size. Every producer and consumer pair among them is one edge, labelled with the first value it
 * carries and its kind (all of them in its tooltip) and drawn red when a Size, tuple or list crosses. Edges run
 * above the boxes, each on a lane of its own: an edge leaves its producer's top right half and enters its
 * consumer's top left half at a point of its own, so arrowheads never share a point and no edge runs through a
 * box. Nearer pairs take lower lanes. Values to or from submodules of other pages are counted under each box.
 */
final class RunDiagram {

    private static final int BOX_W = 150;
    private static final int BOX_H = 46;
    private static final int GAP_X = 56;
    private static final int MARGIN = 16;
    private static final int LANE_H = 18;
    private static final double CHAR_W = 6.1; // 10 px monospace
    private static final int LABEL_CHARS = 30;
    private static final int LISTED_VALUES = 12;

    private RunDiagram() {
    }

    private static final class Edge {
        final int from;
        final int to;
        final List<String> values = new ArrayList<>();
        int count;
        boolean container;
        double x1;
        double x2;
        int lane;

        Edge(int from, int to) {
            this.from = from;
            this.to = to;
        }

        String label() {
            String first = values.get(0);
            String label = first.length() > LABEL_CHARS ? first.substring(0, LABEL_CHARS - 1) + "…" : first;
            return count > 1 ? label + " +" + (count - 1) : label;
        }
    }

    /**
     * @param shown   the submodules the page lists
     * @param repeats for submodules that are one of several identical pieces, how many there are
     * @param marked  the submodule the page's search found, or null
     */
    static String svg(RunReport run, List<Submodule> shown, Map<String, Integer> repeats, String marked) {
        Map<String, Integer> called = new HashMap<>(run.emissionOrder().size() * 2);
        run.emissionOrder().forEach(name -> called.put(name, called.size()));
        List<Submodule> order = new ArrayList<>(shown);
        order.sort(Comparator.comparingInt(s -> called.getOrDefault(s.name(), Integer.MAX_VALUE)));
        Map<String, Integer> position = new HashMap<>(order.size() * 2);
        order.forEach(s -> position.put(s.name(), position.size()));
        Set<String> bad = new HashSet<>();
        run.verdict().problems().forEach(p -> bad.add(p.submodule()));

        int[] offPageIn = new int[order.size()];
        int[] offPageOut = new int[order.size()];
        Map<Long, Edge> pairs = new LinkedHashMap<>();
        for (Crossing c : run.crossings()) {
            Integer from = position.get(c.producer());
            for (String consumer : c.consumers()) {
                Integer to = position.get(consumer);
                if (from != null && to != null) {
                    Edge edge = pairs.computeIfAbsent(((long) from << 32) | to, k -> new Edge(from, to));
                    if (edge.values.size() < LISTED_VALUES) {
                        edge.values.add(c.value() + ": " + c.kind().id());
                    }
                    edge.count++;
                    edge.container |= c.kind().isContainer();
                } else if (to != null) {
                    offPageIn[to]++;
                } else if (from != null && !consumer.equals("output")) {
                    offPageOut[from]++;
                }
            }
        }
        List<Edge> edges = new ArrayList<>(pairs.values());
        int lanes = route(edges, order.size());

        int top = MARGIN + lanes * LANE_H + 8;
        int width = 2 * MARGIN + Math.max(1, order.size()) * (BOX_W + GAP_X) - GAP_X;
        int height = top + BOX_H + 20 + MARGIN;
        StringBuilder svg = new StringBuilder(4096 + order.size() * 400 + edges.size() * 300);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" role=\"img\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" aria-label=\"").append(order.size()).append(order.size() == 1 ? " submodule" : " submodules")
                .append(" in the order they are called, ").append(edges.size()).append(" edges\">")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" "
                        + "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>"
                        + "<marker id=\"arrow-bad\" class=\"bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"4\" "
                        + "markerHeight=\"4\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");
        for (Edge edge : edges) {
            double y = top - 8 - edge.lane * LANE_H - 6;
            String badClass = edge.container ? " bad" : "";
            svg.append("<g class=\"crossing").append(badClass).append("\"><path class=\"edge").append(badClass).append("\" d=\"M")
                    .append(edge.x1).append(',').append(top).append(" V").append(y).append(" H").append(edge.x2)
                    .append(" V").append(top - 1).append("\" marker-end=\"url(#").append(edge.container ? "arrow-bad" : "arrow")
                    .append(")\"><title>").append(escape(order.get(edge.from).name() + " → " + order.get(edge.to).name()
                            + ": " + String.join(", ", edge.values) + (edge.count > edge.values.size() ? ", …" : "")))
                    .append("</title></path><text class=\"label\" x=\"").append(edge.x1 + 4).append("\" y=\"").append(y - 5)
                    .append("\">").append(escape(edge.label())).append("</text></g>");
        }
        for (int i = 0; i < order.size(); i++) {
            Submodule s = order.get(i);
            int x = MARGIN + i * (BOX_W + GAP_X);
            Integer repeated = repeats.get(s.name());
            svg.append("<g class=\"box").append(s.splitting() ? " splitting" : "").append(bad.contains(s.name()) ? " bad" : "")
                    .append(s.name().equals(marked) ? " found" : "")
                    .append("\"><a href=\"#").append(escape(s.name())).append("\"><rect x=\"").append(x).append("\" y=\"")
                    .append(top).append("\" width=\"").append(BOX_W).append("\" height=\"").append(BOX_H).append("\" rx=\"6\"/>")
                    .append("<text x=\"").append(x + BOX_W / 2).append("\" y=\"").append(top + 19)
                    .append("\" text-anchor=\"middle\" class=\"name\">").append(escape(s.name())).append("</text>")
                    .append("<text x=\"").append(x + BOX_W / 2).append("\" y=\"").append(top + 36)
                    .append("\" text-anchor=\"middle\" class=\"meta\">").append(s.splitting() ? "splitting · " : "")
                    .append(s.nodes().size()).append(s.nodes().size() == 1 ? " node" : " nodes")
                    .append(repeated == null ? "" : String.format(java.util.Locale.ROOT, " · ×%,d", repeated)).append("</text></a></g>");
            if (offPageIn[i] + offPageOut[i] > 0) {
                svg.append("<text class=\"offpage\" x=\"").append(x + BOX_W / 2).append("\" y=\"").append(top + BOX_H + 14)
                        .append("\" text-anchor=\"middle\">")
                        .append(offPageIn[i] > 0 ? offPageIn[i] + " in" : "")
                        .append(offPageIn[i] > 0 && offPageOut[i] > 0 ? " · " : "")
                        .append(offPageOut[i] > 0 ? offPageOut[i] + " out" : "").append(" off this page</text>");
            }
        }
        return svg.append("</svg>").toString();
    }

    /**
     * Gives every edge its end points and a lane; returns how many lanes there are. An edge's lane is the lowest
     * one free over its whole width, its label included, taken in order of span so nearer pairs stay low.
     */
    private static int route(List<Edge> edges, int boxes) {
        List<List<Edge>> out = new ArrayList<>();
        List<List<Edge>> in = new ArrayList<>();
        for (int i = 0; i < boxes; i++) {
            out.add(new ArrayList<>());
            in.add(new ArrayList<>());
        }
        edges.forEach(e -> {
            out.get(e.from).add(e);
            in.get(e.to).add(e);
        });
        double half = BOX_W / 2.0;
        for (int i = 0; i < boxes; i++) {
            double left = MARGIN + i * (BOX_W + GAP_X);
            // Farther ends on higher lanes leave and enter nearer the box's middle, so verticals never cut lower lanes.
            List<Edge> leaving = out.get(i);
            leaving.sort(Comparator.comparingInt((Edge e) -> e.to).reversed());
            for (int k = 0; k < leaving.size(); k++) {
                leaving.get(k).x1 = left + half + half * (k + 1) / (leaving.size() + 1);
            }
            List<Edge> entering = in.get(i);
            entering.sort(Comparator.comparingInt((Edge e) -> e.from).reversed());
            for (int k = 0; k < entering.size(); k++) {
                entering.get(k).x2 = left + half * (k + 1) / (entering.size() + 1);
            }
        }
        List<Edge> bySpan = new ArrayList<>(edges);
        bySpan.sort(Comparator.comparingInt((Edge e) -> e.to - e.from).thenComparingInt(e -> e.from));
        List<List<double[]>> taken = new ArrayList<>();
        for (Edge e : bySpan) {
            double start = e.x1 - 4;
            double end = Math.max(e.x2, e.x1 + 8 + e.label().length() * CHAR_W) + 4;
            int lane = 0;
            while (lane < taken.size() && overlaps(taken.get(lane), start, end)) {
                lane++;
            }
            if (lane == taken.size()) {
                taken.add(new ArrayList<>());
            }
            taken.get(lane).add(new double[]{start, end});
            e.lane = lane;
        }
        return taken.size();
    }

    private static boolean overlaps(List<double[]> intervals, double start, double end) {
        for (double[] iv : intervals) {
            if (start < iv[1] && iv[0] < end) {
                return true;
            }
        }
        return false;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
