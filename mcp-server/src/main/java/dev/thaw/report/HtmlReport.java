package dev.thaw.report;

import dev.thaw.Json;
import dev.thaw.replay.InjectionHistory;
import dev.thaw.replay.ReadProblem;
import dev.thaw.replay.SessionReplay;
import dev.thaw.replay.TimelineEntry;
import dev.thaw.replay.snapshot.SnapshotView;
import dev.thaw.replay.snapshot.StuckGroup;

import java.util.List;

/**
 * The postmortem as one self-contained HTML page: the same sections as {@link MarkdownReport}, styles
 * inline, no scripts, no external assets (a Content-Security-Policy forbids loading any), scripts in
 * collapsed {@code <details>}, and each snapshot's wait-for graph as inline SVG.
 */
public final class HtmlReport {

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
            h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
            table{border-collapse:collapse;width:100%;margin:.5em 0}
            th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
            th{background:#f5f5f5}td.num{text-align:right;color:#777}
            code,pre{font-family:ui-monospace,monospace;font-size:12.5px}
            pre{background:#f7f7f7;border:1px solid #e5e5e5;padding:.6em;overflow:auto;max-height:32em;white-space:pre-wrap}
            dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}dd{margin:0}
            .problem{color:#b71c1c}.refused,.error{color:#b71c1c}.inflight{color:#e65100}
            .note-hypothesis{border-left:4px solid #1565c0}.note-finding{border-left:4px solid #2e7d32}
            .note-conclusion{border-left:4px solid #6a1b9a}li.note{padding-left:.5em;margin:.3em 0;list-style:none}
            article{border:1px solid #e0e0e0;border-radius:6px;padding:.2em 1em 1em;margin:1em 0}
            figure{margin:1em 0}figcaption{font-size:.9em;color:#555}.muted{color:#777}
            """;

    private final SessionReplay r;
    private final ReportOptions options;
    private final StringBuilder out = new StringBuilder();

    private HtmlReport(SessionReplay r, ReportOptions options) {
        this.r = r;
        this.options = options;
    }

    public static String render(SessionReplay replay, ReportOptions options) {
        return new HtmlReport(replay, options).render();
    }

    private String render() {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<meta name=\"generator\" content=\"thaw replay\">")
                .append("<title>thaw session ").append(Html.esc(r.info().name())).append("</title><style>").append(STYLE)
                .append("</style></head><body>\n");
        header();
        problems();
        timeline();
        notes();
        injections();
        snapshots();
        out.append("</body></html>\n");
        return out.toString();
    }

    private void header() {
        var i = r.info();
        out.append("<header id=\"session\"><h1>thaw session ").append(Html.esc(i.name())).append("</h1><dl>");
        dd("Log", "<code>" + Html.esc(r.file().toString()) + "</code>");
        dd("Server", Html.esc(ReportText.session(r) + (i.serverPid() == null ? "" : " (pid " + i.serverPid() + ")")));
        dd("Client", Html.esc(i.clientLabel() + (i.clientElicitation() == null ? ""
                : i.clientElicitation() ? " (supports elicitation)" : " (no elicitation)")));
        dd("Approval policy", "<code>" + Html.esc(i.policy() == null ? "unknown" : i.policy()) + "</code>");
        if (i.rerunOf() != null) {
            dd("Re-run of", "<code>" + Html.esc(i.rerunOf()) + "</code>");
        }
        dd("Started", Html.esc(i.startedAt() == null ? "unknown (no session_start record)" : i.startedAt()));
        dd("Ended", (r.endedCleanly() ? "" : "<span class=\"inflight\">") + Html.esc(ReportText.ended(r))
                + (r.endedCleanly() ? "" : "</span>"));
        dd("Records", Html.esc(r.recordCount() + " read, " + r.problems().size() + " problem(s); " + r.calls().size()
                + " tool calls, " + r.injections().size() + " injections, " + r.snapshots().size() + " snapshots, "
                + r.notes().size() + " notes"));
        out.append("</dl></header>\n");
    }

    private void dd(String key, String html) {
        out.append("<dt>").append(Html.esc(key)).append("</dt><dd>").append(html).append("</dd>");
    }

    private void problems() {
        if (r.problems().isEmpty()) {
            return;
        }
        out.append("<section id=\"problems\"><h2>What could not be read</h2><ul>");
        for (ReadProblem p : r.problems()) {
            out.append("<li class=\"problem ").append(p.kind().name().toLowerCase(java.util.Locale.ROOT)).append("\"><b>")
                    .append(Html.esc(MarkdownReport.kind(p.kind()))).append("</b> — ").append(Html.esc(p.display()))
                    .append("</li>");
        }
        out.append("</ul></section>\n");
    }

    private void timeline() {
        out.append("<section id=\"timeline\"><h2>Timeline</h2>");
        if (r.timeline().isEmpty()) {
            out.append("<p>Nothing recorded.</p></section>\n");
            return;
        }
        out.append("<table><thead><tr><th>#</th><th>time</th><th>event</th><th>details</th></tr></thead><tbody>");
        String start = r.info().startedAt();
        for (TimelineEntry e : r.timeline()) {
            out.append("<tr class=\"").append(e instanceof TimelineEntry.Call ? "call" : e instanceof TimelineEntry.Note
                    ? "note" : "injection").append("\"><td class=\"num\">").append(e.seq()).append("</td><td>")
                    .append(Html.esc(ReportText.relative(start, e.time()))).append("</td>");
            if (e instanceof TimelineEntry.Call c) {
                String cls = Boolean.FALSE.equals(c.ok()) ? "error" : c.inFlight() ? "inflight" : "";
                out.append("<td>call <code>").append(Html.esc(c.tool())).append("</code> <code class=\"muted\">")
                        .append(Html.esc(ReportText.arguments(c.arguments()))).append("</code></td><td class=\"")
                        .append(cls).append("\">").append(Html.esc(ReportText.call(c)));
                if (c.snapshotIndex() != null) {
                    out.append(" — <a href=\"#snapshot-").append(c.snapshotIndex() + 1).append("\">snapshot ")
                            .append(c.snapshotIndex() + 1).append("</a>");
                }
                out.append("</td>");
            } else if (e instanceof TimelineEntry.Note n) {
                out.append("<td><b>").append(Html.esc(n.kind())).append("</b></td><td>").append(Html.esc(n.text()))
                        .append("</td>");
            } else if (e instanceof TimelineEntry.InjectionEvent ie) {
                out.append("<td>injection <a href=\"#").append(anchor(ie.injectionId())).append("\"><code>")
                        .append(Html.esc(ie.injectionId())).append("</code></a></td><td>").append(Html.esc(ie.what()))
                        .append("</td>");
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></section>\n");
    }

    private void notes() {
        out.append("<section id=\"notes\"><h2>Hypotheses, findings and conclusions</h2>");
        List<TimelineEntry.Note> notes = r.notes();
        if (notes.isEmpty()) {
            out.append("<p>The assistant recorded no notes.</p>");
        }
        for (String kind : List.of("hypothesis", "finding", "conclusion")) {
            List<TimelineEntry.Note> of = notes.stream().filter(n -> kind.equals(n.kind())).toList();
            if (of.isEmpty()) {
                continue;
            }
            out.append("<h3>").append(kind.equals("hypothesis") ? "Hypotheses" : kind.equals("finding") ? "Findings"
                    : "Conclusions").append("</h3><ul>");
            for (TimelineEntry.Note n : of) {
                out.append("<li class=\"note note-").append(kind).append("\">").append(Html.esc(n.text()))
                        .append(" <span class=\"muted\">(#").append(n.seq()).append(", ")
                        .append(Html.esc(ReportText.relative(r.info().startedAt(), n.time()))).append(")</span></li>");
            }
            out.append("</ul>");
        }
        out.append("</section>\n");
    }

    private void injections() {
        out.append("<section id=\"injections\"><h2>Injections</h2>");
        if (r.injections().isEmpty()) {
            out.append("<p>Nothing was injected.</p>");
        }
        int n = 0;
        for (InjectionHistory h : r.injections()) {
            n++;
            out.append("<article class=\"injection\" id=\"").append(anchor(h.id())).append("\"><h3>").append(n)
                    .append(". <code>").append(Html.esc(h.id())).append("</code> — ")
                    .append(Html.esc(h.isCatalogEntry() ? "catalog entry " + h.catalogId()
                            : "custom " + (h.language() == null ? "" : h.language() + " ") + "script"))
                    .append("</h3><dl>");
            if (h.target() != null) {
                dd("Target", Html.esc(h.target().label()) + (h.target().executable() == null ? ""
                        : ", <code>" + Html.esc(h.target().executable()) + "</code>"));
                dd("Command", "<code>" + Html.esc(h.target().command()) + "</code>");
            }
            if (h.hypothesis() != null) {
                dd("Why", Html.esc(h.hypothesis()));
            }
            if (h.params() != null && !h.params().isEmpty()) {
                dd("Parameters", "<code>" + Html.esc(Json.write(h.params())) + "</code>");
            }
            dd("SHA-256", "<code>" + Html.esc(h.sha256() == null ? "unknown" : h.sha256()) + "</code>"
                    + (h.script() != null && !h.hashMatches() ? " <span class=\"problem\">does not match the recorded text</span>" : ""));
            boolean refused = h.decision() != null && !h.decision().approved();
            dd("Approval", "<span class=\"" + (refused ? "refused" : "approved") + "\">" + Html.esc(ReportText.decision(h.decision()))
                    + "</span>");
            dd("Status", Html.esc(ReportText.statuses(h)));
            out.append("</dl>");
            if (h.script() == null) {
                out.append("<p class=\"muted\">The script is not in the log (its write-ahead record is missing).</p>");
            } else {
                // The probe kit's line shown as its version and sha256, not as 50 KB of the kit's text.
                String folded = dev.thaw.catalog.PythonKit.fold(h.script());
                String[] lines = ReportText.lines(folded);
                String shown = lines.length > options.maxScriptLines()
                        ? String.join("\n", java.util.Arrays.copyOf(lines, options.maxScriptLines()))
                        + "\n# … " + (lines.length - options.maxScriptLines()) + " more lines in the log"
                        : folded;
                out.append("<details class=\"script\"><summary>Script (").append(lines.length).append(" lines)</summary><pre><code>")
                        .append(Html.esc(shown)).append("</code></pre></details>");
            }
            if (h.output() != null) {
                ReportText.Excerpt e = ReportText.excerpt(h.output().data(), options.maxOutputBytes());
                out.append("<p>Output (").append(h.output().data().length).append(" bytes")
                        .append(h.output().truncated() ? ", cut by the engine's cap" : "").append("):</p><pre class=\"output\">")
                        .append(Html.esc(e.text())).append("</pre>");
                String note = ReportText.cutNote(e);
                if (!note.isEmpty()) {
                    out.append("<p class=\"muted\">").append(Html.esc(note)).append("</p>");
                }
                h.output().problems().forEach(p -> out.append("<p class=\"problem\">").append(Html.esc(p)).append("</p>"));
                Object error = h.output().detail().get("error");
                if (error != null) {
                    out.append("<p class=\"error\"><b>Error:</b> ").append(Html.esc(String.valueOf(error))).append("</p>");
                }
                Object tb = h.output().detail().get("traceback");
                if (tb != null) {
                    out.append("<pre class=\"traceback\">").append(Html.esc(ReportText.excerpt(String.valueOf(tb)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8), options.maxOutputBytes()).text())).append("</pre>");
                }
            } else {
                out.append("<p class=\"muted\">No output recorded.</p>");
            }
            out.append("</article>");
        }
        out.append("</section>\n");
    }

    private void snapshots() {
        out.append("<section id=\"snapshots\"><h2>Snapshots</h2>");
        if (r.snapshots().isEmpty()) {
            out.append("<p>No snapshot was taken.</p>");
        }
        int n = 0;
        for (SnapshotView s : r.snapshots()) {
            n++;
            out.append("<article class=\"snapshot\" id=\"snapshot-").append(n).append("\"><h3>Snapshot ").append(n)
                    .append(": ").append(Html.esc(s.title())).append("</h3><p class=\"muted\">Taken ")
                    .append(Html.esc(s.takenAt() == null ? s.time() : s.takenAt())).append(" (record #").append(s.callSeq())
                    .append(").</p><h4>").append(s.stuckMeasured() ? "Stuck threads (same stack in every sample)"
                            : "Threads waiting on a lock (one sample: whether they are stuck was not measured)").append("</h4>");
            if (s.stuck().isEmpty()) {
                out.append("<p>None.</p>");
            } else {
                out.append("<table class=\"stuck\"><thead><tr><th>threads</th><th>state</th><th>waits on</th><th>held by</th>")
                        .append("<th>innermost frames</th></tr></thead><tbody>");
                for (StuckGroup g : s.stuck()) {
                    out.append("<tr><td>").append(g.count()).append(" × ").append(Html.esc(String.join(", ", g.threads())))
                            .append(g.count() > g.threads().size() ? ", …" : "").append("</td><td>").append(Html.esc(g.state()))
                            .append("</td><td><code>").append(Html.esc(g.waitsOn())).append("</code></td><td>")
                            .append(Html.esc(g.heldBy())).append("</td><td><code>")
                            .append(Html.esc(String.join("\n← ", g.frames())).replace("\n", "<br>"))
                            .append("</code></td></tr>");
                }
                out.append("</tbody></table>");
                if (s.stuckOmitted() > 0) {
                    out.append("<p class=\"muted\">").append(s.stuckOmitted()).append(" more groups not shown.</p>");
                }
            }
            out.append("<h4>Wait-for graph</h4>");
            if (s.graph().isEmpty()) {
                out.append("<p class=\"muted\">Lock ownership unknown in this snapshot, no graph.</p>");
            } else {
                out.append("<figure>").append(WaitGraphSvg.render(s.graph(), "graph-" + n)).append("<figcaption><ul>");
                ReportText.graphLines(s.graph(), t -> t, l -> l).forEach(l -> out.append("<li").append(l.startsWith("DEADLOCK")
                        ? " class=\"problem\"" : "").append('>').append(Html.esc(l)).append("</li>"));
                out.append("</ul></figcaption></figure>");
            }
            if (!s.notes().isEmpty()) {
                out.append("<p class=\"muted\">Notes: ").append(Html.esc(String.join("; ", s.notes()))).append("</p>");
            }
            out.append("</article>");
        }
        out.append("</section>\n");
    }

    /** An id attribute value from an injection id (ids are ours, but keep the attribute clean anyway). */
    private static String anchor(String id) {
        return "injection-" + (id == null ? "none" : id.replaceAll("[^A-Za-z0-9_-]", "_"));
    }
}
