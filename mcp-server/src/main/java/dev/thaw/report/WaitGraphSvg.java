package dev.thaw.report;

import dev.thaw.replay.snapshot.WaitGraph;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link WaitGraph} as inline SVG: threads as boxes, locks as rounded pills, "waits for" and
 * "held by" arrows, the deadlock cycle in red. Nodes sit on a circle in walk order (the graph builder
 * puts each cycle's members next to each other), so a cycle is drawn as a ring, not a tangle.
 */
final class WaitGraphSvg {

    private static final int MARGIN = 130;
    private static final int MAX_LABEL = 34;

    private WaitGraphSvg() {
    }

    /** @param id unique within the page (marker ids are document-global) */
    static String render(WaitGraph g, String id) {
        List<WaitGraph.Node> nodes = g.nodes();
        int n = nodes.size();
        // Adjacent nodes on the circle are 2R·sin(π/n) apart: leave room for the widest box and an arrow.
        double widest = nodes.stream().mapToDouble(x -> 2 * halfSize(x)[0]).max().orElse(60);
        double radius = Math.min(1400, Math.max(110, n < 2 ? 0 : (widest + 70) / (2 * Math.sin(Math.PI / n))));
        double size = 2 * radius + 2 * MARGIN;
        double c = size / 2;
        Map<String, double[]> pos = new HashMap<>();
        for (int i = 0; i < n; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / n;
            pos.put(nodes.get(i).id(), new double[] {c + radius * Math.cos(a), c + radius * Math.sin(a)});
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wait-for-graph\" role=\"img\" id=\"").append(id)
                .append("\" viewBox=\"0 0 ").append(f(size)).append(' ').append(f(size + 30)).append("\" width=\"")
                .append(f(Math.min(size, 900))).append("\">");
        sb.append("<title>Wait-for graph: threads, the locks they wait for, and who holds them")
                .append(g.cycles().isEmpty() ? "" : "; the deadlock cycle in red").append("</title>");
        sb.append("<defs>");
        marker(sb, id + "-arrow", "#555");
        marker(sb, id + "-arrow-cycle", "#c62828");
        sb.append("</defs>");
        legend(sb);
        for (WaitGraph.Edge e : g.edges()) {
            double[] a = pos.get(e.from());
            double[] b = pos.get(e.to());
            if (a == null || b == null) {
                continue;
            }
            double[] start = clip(b, a, halfSize(g.node(e.from())));
            double[] end = clip(a, b, halfSize(g.node(e.to())));
            sb.append("<g class=\"edge ").append(e.waits() ? "waits" : "held").append(e.inCycle() ? " cycle" : "")
                    .append("\"><line x1=\"").append(f(start[0])).append("\" y1=\"").append(f(start[1]))
                    .append("\" x2=\"").append(f(end[0])).append("\" y2=\"").append(f(end[1]))
                    .append("\" stroke=\"").append(e.inCycle() ? "#c62828" : "#555").append("\" stroke-width=\"")
                    .append(e.inCycle() ? 3 : 1.5).append("\"").append(e.waits() ? "" : " stroke-dasharray=\"6 4\"")
                    .append(" marker-end=\"url(#").append(id).append(e.inCycle() ? "-arrow-cycle" : "-arrow").append(")\"/>")
                    .append("<text class=\"edge-label\" x=\"").append(f((start[0] + end[0]) / 2)).append("\" y=\"")
                    .append(f((start[1] + end[1]) / 2 - 4)).append("\" text-anchor=\"middle\" font-size=\"11\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" fill=\"")
                    .append(e.inCycle() ? "#c62828" : "#555").append("\">").append(e.waits() ? "waits for" : "held by")
                    .append("</text></g>");
        }
        for (WaitGraph.Node node : nodes) {
            double[] p = pos.get(node.id());
            double[] half = halfSize(node);
            boolean thread = node.kind() == WaitGraph.Kind.THREAD;
            String stroke = node.inCycle() ? "#c62828" : thread ? "#1565c0" : "#6d4c41";
            String fill = node.inCycle() ? "#ffebee" : thread ? "#e3f2fd" : "#efebe9";
            sb.append("<g class=\"node ").append(thread ? "thread" : "lock").append(node.inCycle() ? " cycle" : "")
                    .append("\"><title>").append(Html.esc((thread ? "thread " : "lock ") + node.label())).append("</title>")
                    .append("<rect x=\"").append(f(p[0] - half[0])).append("\" y=\"").append(f(p[1] - half[1]))
                    .append("\" width=\"").append(f(2 * half[0])).append("\" height=\"").append(f(2 * half[1]))
                    .append("\" rx=\"").append(thread ? 4 : f(half[1])).append("\" fill=\"").append(fill)
                    .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(node.inCycle() ? 2.5 : 1.2)
                    .append("\"/><text x=\"").append(f(p[0])).append("\" y=\"").append(f(p[1] + 4))
                    .append("\" text-anchor=\"middle\" font-size=\"12\" font-family=\"monospace\">")
                    .append(Html.esc(shortLabel(node.label()))).append("</text></g>");
        }
        sb.append("</svg>");
        return sb.toString();
    }

    private static void legend(StringBuilder sb) {
        sb.append("<g class=\"legend\" font-size=\"11\">")
                .append("<rect x=\"8\" y=\"8\" width=\"14\" height=\"10\" rx=\"2\" fill=\"#e3f2fd\" stroke=\"#1565c0\"/>")
                .append("<text x=\"26\" y=\"17\">thread</text>")
                .append("<rect x=\"76\" y=\"8\" width=\"14\" height=\"10\" rx=\"5\" fill=\"#efebe9\" stroke=\"#6d4c41\"/>")
                .append("<text x=\"94\" y=\"17\">lock</text>")
                .append("<line x1=\"132\" y1=\"13\" x2=\"160\" y2=\"13\" stroke=\"#555\" stroke-width=\"1.5\"/>")
                .append("<text x=\"164\" y=\"17\">waits for</text>")
                .append("<line x1=\"222\" y1=\"13\" x2=\"250\" y2=\"13\" stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
                .append("<text x=\"254\" y=\"17\">held by</text>")
                .append("<line x1=\"306\" y1=\"13\" x2=\"334\" y2=\"13\" stroke=\"#c62828\" stroke-width=\"3\"/>")
                .append("<text x=\"338\" y=\"17\" fill=\"#c62828\">deadlock cycle</text></g>");
    }

    private static void marker(StringBuilder sb, String id, String color) {
        sb.append("<marker id=\"").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" ")
                .append("markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
                .append(color).append("\"/></marker>");
    }

    private static double[] halfSize(WaitGraph.Node node) {
        int len = Math.min(MAX_LABEL, node == null ? 10 : node.label().length());
        return new double[] {Math.max(30, len * 3.7 + 10), node != null && node.kind() == WaitGraph.Kind.LOCK ? 12 : 14};
    }

    /** Where the segment from {@code from} to the center {@code to} enters the box around {@code to}. */
    private static double[] clip(double[] from, double[] to, double[] half) {
        double dx = from[0] - to[0];
        double dy = from[1] - to[1];
        if (dx == 0 && dy == 0) {
            return to;
        }
        double t = Math.min(dx == 0 ? Double.MAX_VALUE : half[0] / Math.abs(dx), dy == 0 ? Double.MAX_VALUE : half[1] / Math.abs(dy));
        t = Math.min(t, 1);
        return new double[] {to[0] + dx * t, to[1] + dy * t};
    }

    private static String shortLabel(String label) {
        return label.length() <= MAX_LABEL ? label : label.substring(0, MAX_LABEL - 1) + "…";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
