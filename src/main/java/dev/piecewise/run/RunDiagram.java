package dev.piecewise.run;

import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Submodule;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SVG of a run's submodules in the order the top-level graph calls them, with one arrow per producer and
 * consumer pair labelled by how many values cross; arrows carrying a Size, tuple or list are highlighted.
 * Submodules only, never every node, so it stays readable for graphs of any size.
 */
final class RunDiagram {

    static final int MAX_SUBMODULES = 240;
    private static final int PER_ROW = 6;
    private static final int BOX_W = 150;
    private static final int BOX_H = 46;
    private static final int GAP_X = 46;
    private static final int GAP_Y = 40;
    private static final int MARGIN = 20;
    private static final int TOP = 48; // room for the arcs between boxes of the first row

    private RunDiagram() {
    }

    private record Edge(String from, String to, int count, boolean container, String values) {
    }

    static String svg(RunReport run, int submodulesPerPage) {
        List<String> order = run.emissionOrder().size() > MAX_SUBMODULES ? run.emissionOrder().subList(0, MAX_SUBMODULES)
                : run.emissionOrder();
        Map<String, Submodule> byName = new HashMap<>();
        Map<String, Integer> listPage = new HashMap<>(); // where the run page lists each submodule
        for (int i = 0; i < run.submodules().size(); i++) {
            byName.put(run.submodules().get(i).name(), run.submodules().get(i));
            listPage.put(run.submodules().get(i).name(), i / submodulesPerPage);
        }
        Map<String, int[]> position = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            int row = i / PER_ROW;
            int col = row % 2 == 0 ? i % PER_ROW : PER_ROW - 1 - i % PER_ROW; // snake, so neighbours stay close
            position.put(order.get(i), new int[]{MARGIN + col * (BOX_W + GAP_X), TOP + row * (BOX_H + GAP_Y)});
        }
        int rows = Math.max(1, (order.size() + PER_ROW - 1) / PER_ROW);
        int width = 2 * MARGIN + Math.min(order.size(), PER_ROW) * (BOX_W + GAP_X) - GAP_X;
        int height = TOP + MARGIN + rows * (BOX_H + GAP_Y) - GAP_Y;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" role=\"img\" width=\"")
                .append(Math.max(width, 200)).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(Math.max(width, 200)).append(' ').append(height).append("\" aria-label=\"")
                .append(order.size()).append(" submodules in the order they are called\">")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                        + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>"
                        + "<marker id=\"arrow-bad\" class=\"bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"5\" "
                        + "markerHeight=\"5\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");
        for (Edge edge : edges(run, position)) {
            int[] a = position.get(edge.from());
            int[] b = position.get(edge.to());
            double x1 = a[0] + BOX_W / 2.0;
            double y1 = a[1] + BOX_H;
            double x2 = b[0] + BOX_W / 2.0;
            double y2 = b[1];
            if (a[1] == b[1]) { // same row: arc over the boxes between them
                y1 = a[1];
                double lift = Math.min(TOP - 6, 12 + Math.abs(x2 - x1) / 10);
                svg.append("<path class=\"edge").append(edge.container() ? " bad" : "").append("\" d=\"M")
                        .append(x1).append(',').append(y1).append(" C").append(x1).append(',').append(y1 - lift)
                        .append(' ').append(x2).append(',').append(y2 - lift).append(' ').append(x2).append(',').append(y2)
                        .append("\" marker-end=\"url(#").append(edge.container() ? "arrow-bad" : "arrow").append(")\">");
            } else {
                svg.append("<path class=\"edge").append(edge.container() ? " bad" : "").append("\" d=\"M")
                        .append(x1).append(',').append(y1).append(" C").append(x1).append(',').append((y1 + y2) / 2)
                        .append(' ').append(x2).append(',').append((y1 + y2) / 2).append(' ').append(x2).append(',')
                        .append(y2).append("\" marker-end=\"url(#").append(edge.container() ? "arrow-bad" : "arrow").append(")\">");
            }
            svg.append("<title>").append(escape(edge.from() + " → " + edge.to() + ": " + edge.values())).append("</title></path>");
        }
        for (Map.Entry<String, int[]> e : position.entrySet()) {
            Submodule s = byName.get(e.getKey());
            int[] p = e.getValue();
            boolean bad = run.verdict().problems().stream().anyMatch(pr -> e.getKey().equals(pr.submodule()));
            svg.append("<g class=\"box").append(s.splitting() ? " splitting" : "").append(bad ? " bad" : "")
                    .append("\"><a href=\"?page=").append(listPage.get(s.name())).append('#').append(escape(s.name()))
                    .append("\">")
                    .append("<rect x=\"").append(p[0]).append("\" y=\"").append(p[1]).append("\" width=\"").append(BOX_W)
                    .append("\" height=\"").append(BOX_H).append("\" rx=\"6\"/>")
                    .append("<text x=\"").append(p[0] + BOX_W / 2).append("\" y=\"").append(p[1] + 19)
                    .append("\" text-anchor=\"middle\" class=\"name\">").append(escape(s.name())).append("</text>")
                    .append("<text x=\"").append(p[0] + BOX_W / 2).append("\" y=\"").append(p[1] + 36)
                    .append("\" text-anchor=\"middle\" class=\"meta\">")
                    .append(s.splitting() ? "splitting · " : "").append(s.nodes().size())
                    .append(s.nodes().size() == 1 ? " node" : " nodes").append("</text></a></g>");
        }
        return svg.append("</svg>").toString();
    }

    private static List<Edge> edges(RunReport run, Map<String, int[]> shown) {
        Map<String, StringBuilder> values = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Boolean> containers = new HashMap<>();
        for (Crossing c : run.crossings()) {
            for (String consumer : c.consumers()) {
                if (!shown.containsKey(c.producer()) || !shown.containsKey(consumer)) {
                    continue;
                }
                String key = c.producer() + "\u0000" + consumer;
                StringBuilder list = values.computeIfAbsent(key, k -> new StringBuilder());
                if (counts.getOrDefault(key, 0) < 12) {
                    list.append(list.length() == 0 ? "" : ", ").append(c.value()).append(" (").append(c.kind().id()).append(')');
                }
                counts.merge(key, 1, Integer::sum);
                containers.merge(key, c.kind().isContainer(), Boolean::logicalOr);
            }
        }
        return values.entrySet().stream().map(e -> {
            String[] ends = e.getKey().split("\u0000");
            int n = counts.get(e.getKey());
            return new Edge(ends[0], ends[1], n, containers.get(e.getKey()), e.getValue() + (n > 12 ? ", …" : ""));
        }).toList();
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
