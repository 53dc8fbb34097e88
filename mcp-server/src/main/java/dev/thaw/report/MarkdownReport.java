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
 * The postmortem as Markdown: session facts, what could not be read, the timeline, the assistant's
 * hypotheses and findings, each injection (script collapsed, output bounded), and each snapshot's
 * stuck threads and wait-for graph.
 */
public final class MarkdownReport {

    private final SessionReplay r;
    private final ReportOptions options;
    private final StringBuilder out = new StringBuilder();

    private MarkdownReport(SessionReplay r, ReportOptions options) {
        this.r = r;
        this.options = options;
    }

    public static String render(SessionReplay replay, ReportOptions options) {
        return new MarkdownReport(replay, options).render();
    }

    private String render() {
        header();
        problems();
        timeline();
        notes();
        injections();
        snapshots();
        return out.toString();
    }

    private void header() {
        var i = r.info();
        out.append("# thaw session ").append(i.name()).append("\n\n");
        line("Log", "`" + r.file() + "`");
        line("Server", ReportText.session(r) + (i.serverPid() == null ? "" : " (pid " + i.serverPid() + ")"));
        line("Client", i.clientLabel() + (i.clientElicitation() == null ? ""
                : i.clientElicitation() ? " (supports elicitation)" : " (no elicitation)"));
        line("Approval policy", i.policy() == null ? "unknown" : "`" + i.policy() + "`");
        if (i.rerunOf() != null) {
            line("Re-run of", "`" + i.rerunOf() + "`");
        }
        line("Started", i.startedAt() == null ? "unknown (no session_start record)" : i.startedAt());
        line("Ended", ReportText.ended(r));
        line("Records", r.recordCount() + " read, " + r.problems().size() + " problem(s); " + r.calls().size()
                + " tool calls, " + r.injections().size() + " injections, " + r.snapshots().size() + " snapshots, "
                + r.notes().size() + " notes");
        out.append('\n');
    }

    private void line(String key, String value) {
        out.append("- **").append(key).append(":** ").append(value).append('\n');
    }

    private void problems() {
        if (r.problems().isEmpty()) {
            return;
        }
        out.append("## What could not be read\n\n");
        for (ReadProblem p : r.problems()) {
            out.append("- ").append(kind(p.kind())).append(" — ").append(inline(p.display())).append('\n');
        }
        out.append('\n');
    }

    static String kind(ReadProblem.Kind k) {
        return switch (k) {
            case TORN_TAIL -> "torn last line";
            case CORRUPT_LINE -> "corrupt line";
            case NEWER_VERSION -> "newer schema";
            case UNKNOWN_TYPE -> "unknown record type";
            case SEQUENCE_GAP -> "missing records";
            case SIDECAR -> "sidecar file";
            case HASH_MISMATCH -> "hash mismatch";
            case EMPTY -> "empty log";
        };
    }

    private void timeline() {
        out.append("## Timeline\n\n");
        if (r.timeline().isEmpty()) {
            out.append("Nothing recorded.\n\n");
            return;
        }
        out.append("| # | time | event | details |\n|---:|---|---|---|\n");
        String start = r.info().startedAt();
        for (TimelineEntry e : r.timeline()) {
            out.append("| ").append(e.seq()).append(" | ").append(ReportText.relative(start, e.time())).append(" | ");
            if (e instanceof TimelineEntry.Call c) {
                out.append("call `").append(cell(c.tool())).append('`');
                String args = ReportText.arguments(c.arguments());
                if (!args.isEmpty()) {
                    out.append(" `").append(code(args)).append('`');
                }
                out.append(" | ").append(Boolean.FALSE.equals(c.ok()) ? "⚠ " : c.inFlight() ? "⏳ " : "")
                        .append(cell(ReportText.call(c)));
                if (c.snapshotIndex() != null) {
                    out.append(" — see snapshot ").append(c.snapshotIndex() + 1);
                }
            } else if (e instanceof TimelineEntry.Note n) {
                out.append("**").append(cell(n.kind())).append("** | ").append(cell(n.text()));
            } else if (e instanceof TimelineEntry.InjectionEvent ie) {
                out.append("injection `").append(cell(ie.injectionId())).append("` | ").append(cell(ie.what()));
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private void notes() {
        out.append("## Hypotheses, findings and conclusions\n\n");
        List<TimelineEntry.Note> notes = r.notes();
        if (notes.isEmpty()) {
            out.append("The assistant recorded no notes.\n\n");
            return;
        }
        for (String kind : List.of("hypothesis", "finding", "conclusion")) {
            List<TimelineEntry.Note> of = notes.stream().filter(n -> kind.equals(n.kind())).toList();
            if (of.isEmpty()) {
                continue;
            }
            out.append("### ").append(title(kind)).append("\n\n");
            for (TimelineEntry.Note n : of) {
                out.append("- ").append(inline(n.text())).append(" _(#").append(n.seq()).append(", ")
                        .append(ReportText.relative(r.info().startedAt(), n.time())).append(")_\n");
            }
            out.append('\n');
        }
        List<TimelineEntry.Note> other = notes.stream()
                .filter(n -> !List.of("hypothesis", "finding", "conclusion").contains(n.kind())).toList();
        if (!other.isEmpty()) {
            out.append("### Other notes\n\n");
            other.forEach(n -> out.append("- ").append(inline(n.text())).append('\n'));
            out.append('\n');
        }
    }

    private static String title(String kind) {
        return switch (kind) {
            case "hypothesis" -> "Hypotheses";
            case "finding" -> "Findings";
            default -> "Conclusions";
        };
    }

    private void injections() {
        out.append("## Injections\n\n");
        if (r.injections().isEmpty()) {
            out.append("Nothing was injected.\n\n");
            return;
        }
        int n = 0;
        for (InjectionHistory h : r.injections()) {
            n++;
            out.append("### ").append(n).append(". `").append(h.id()).append("` — ")
                    .append(h.isCatalogEntry() ? "catalog entry `" + h.catalogId() + "`"
                            : "custom " + (h.language() == null ? "" : h.language() + " ") + "script")
                    .append("\n\n");
            if (h.target() != null) {
                line("Target", h.target().label() + (h.target().executable() == null ? "" : ", `" + h.target().executable() + "`"));
                line("Command", "`" + code(ReportText.nz(h.target().command())) + "`");
            }
            if (h.hypothesis() != null) {
                line("Why", inline(h.hypothesis()));
            }
            if (h.params() != null && !h.params().isEmpty()) {
                line("Parameters", "`" + code(Json.write(h.params())) + "`");
            }
            line("SHA-256", h.sha256() == null ? "unknown" : "`" + h.sha256() + "`" + (h.script() != null && !h.hashMatches()
                    ? " ⚠ does not match the recorded text" : ""));
            line("Approval", inline(ReportText.decision(h.decision())));
            line("Status", ReportText.statuses(h));
            for (InjectionHistory.StatusChange s : h.statuses()) {
                if (s.detail() != null && !s.detail().isEmpty()) {
                    line("Detail (" + s.status() + ")", "`" + code(ReportText.arguments(s.detail())) + "`");
                }
            }
            out.append('\n');
            if (h.script() == null) {
                out.append("_The script is not in the log (its write-ahead record is missing)._\n\n");
            } else {
                // The probe kit's line shown as its version and sha256, not as 50 KB of the kit's text.
                String folded = dev.thaw.catalog.PythonKit.fold(h.script());
                String[] lines = ReportText.lines(folded);
                String shown = lines.length > options.maxScriptLines()
                        ? String.join("\n", java.util.Arrays.copyOf(lines, options.maxScriptLines()))
                        + "\n# … " + (lines.length - options.maxScriptLines()) + " more lines in the log"
                        : folded;
                out.append("<details><summary>Script (").append(lines.length).append(" lines, sha256 ")
                        .append(h.sha256() == null ? "?" : h.sha256().substring(0, Math.min(12, h.sha256().length())))
                        .append("…)</summary>\n\n");
                fenced(shown, h.language());
                out.append("</details>\n\n");
            }
            if (h.output() != null) {
                ReportText.Excerpt e = ReportText.excerpt(h.output().data(), options.maxOutputBytes());
                out.append("Output (").append(h.output().data().length).append(" bytes")
                        .append(h.output().truncated() ? ", cut by the engine's cap" : "").append("):\n\n");
                fenced(e.text(), "text");
                String note = ReportText.cutNote(e);
                if (!note.isEmpty()) {
                    out.append("_").append(note).append("_\n\n");
                }
                h.output().problems().forEach(p -> out.append("- ⚠ ").append(inline(p)).append('\n'));
                Object error = h.output().detail().get("error");
                if (error != null) {
                    out.append("**Error:** ").append(inline(String.valueOf(error))).append("\n\n");
                }
                Object tb = h.output().detail().get("traceback");
                if (tb != null) {
                    fenced(ReportText.excerpt(String.valueOf(tb).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            options.maxOutputBytes()).text(), "text");
                }
            } else {
                out.append("_No output recorded._\n\n");
            }
        }
    }

    private void snapshots() {
        out.append("## Snapshots\n\n");
        if (r.snapshots().isEmpty()) {
            out.append("No snapshot was taken.\n\n");
            return;
        }
        int n = 0;
        for (SnapshotView s : r.snapshots()) {
            n++;
            out.append("### Snapshot ").append(n).append(": ").append(s.title()).append("\n\n");
            out.append("_Taken ").append(ReportText.nz(s.takenAt() == null ? s.time() : s.takenAt()))
                    .append(" (record #").append(s.callSeq()).append(")._\n\n");
            out.append(s.stuckMeasured() ? "**Stuck threads** (same stack in every sample):\n\n"
                    : "**Threads waiting on a lock** (one sample: whether they are stuck was not measured):\n\n");
            if (s.stuck().isEmpty()) {
                out.append("None.\n\n");
            } else {
                out.append("| threads | state | waits on | held by | innermost frames |\n|---|---|---|---|---|\n");
                for (StuckGroup g : s.stuck()) {
                    out.append("| ").append(g.count()).append(" × ").append(cell(String.join(", ", g.threads())))
                            .append(g.count() > g.threads().size() ? ", …" : "")
                            .append(" | ").append(cell(ReportText.nz(g.state())))
                            .append(" | ").append(g.waitsOn() == null ? "" : "`" + code(g.waitsOn()) + "`")
                            .append(" | ").append(cell(ReportText.nz(g.heldBy())))
                            .append(" | ").append(cell(String.join(" ← ", g.frames()))).append(" |\n");
                }
                if (s.stuckOmitted() > 0) {
                    out.append("\n_").append(s.stuckOmitted()).append(" more groups not shown._\n");
                }
                out.append('\n');
            }
            out.append("**Wait-for graph:** ");
            if (s.graph().isEmpty()) {
                out.append("lock ownership unknown in this snapshot, no graph.\n\n");
            } else {
                out.append('\n').append('\n');
                ReportText.graphLines(s.graph(), MarkdownReport::inline, l -> "`" + code(l) + "`")
                        .forEach(l -> out.append("- ").append(l.startsWith("DEADLOCK") ? "**DEADLOCK:**" + l.substring(9) : l)
                                .append('\n'));
                out.append('\n');
            }
            if (!s.notes().isEmpty()) {
                out.append("Notes: ").append(inline(String.join("; ", s.notes()))).append("\n\n");
            }
        }
    }

    /** A fenced block whose fence is longer than any backtick run inside, so no script can end it early. */
    private void fenced(String text, String lang) {
        int longest = 0;
        int run = 0;
        for (char c : text.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        out.append(fence).append(lang == null ? "" : lang).append('\n').append(text);
        if (!text.endsWith("\n")) {
            out.append('\n');
        }
        out.append(fence).append("\n\n");
    }

    /** Inside a code span (raw HTML is inert there): one line, no backticks, no pipes (tables). */
    private static String code(String s) {
        return s == null ? "" : s.replace("\r", "").replace("\n", " ⏎ ").replace("`", "'").replace("|", "\\|");
    }

    /** Table cells: no pipes, no line breaks. */
    private static String cell(String s) {
        return inline(s).replace("|", "\\|");
    }

    private static String inline(String s) {
        return s == null ? "" : s.replace("\r", "").replace("\n", " ⏎ ").replace("<", "&lt;");
    }
}
