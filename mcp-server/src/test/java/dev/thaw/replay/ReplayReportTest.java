package dev.thaw.replay;

import dev.thaw.replay.snapshot.SnapshotView;
import dev.thaw.replay.snapshot.WaitGraph;
import dev.thaw.report.HtmlReport;
import dev.thaw.report.MarkdownReport;
import dev.thaw.report.ReportOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A session written by the real recorder, replayed to Markdown and HTML. */
class ReplayReportTest {

    @TempDir
    Path dir;

    @Test
    void modelPairsCallsGathersInjectionsAndReadsSnapshots() {
        SessionReplay r = ReplayBuilder.build(LogReader.read(SessionFixtures.diagnosis(dir)));
        assertThat(r.problems()).isEmpty();
        assertThat(r.info().clientName()).isEqualTo("claude-code");
        assertThat(r.info().policy()).isEqualTo("custom");
        assertThat(r.endedCleanly()).isTrue();
        assertThat(r.calls()).extracting(TimelineEntry.Call::tool).containsExactly("list_processes", "snapshot");
        assertThat(r.calls()).allSatisfy(c -> assertThat(c.inFlight()).isFalse());
        assertThat(r.notes()).extracting(TimelineEntry.Note::kind).containsExactly("hypothesis", "finding", "conclusion");
        assertThat(r.injections()).hasSize(2);
        InjectionHistory ok = r.injections().get(0);
        assertThat(ok.hashMatches()).isTrue();
        assertThat(ok.finalStatus()).isEqualTo("completed");
        assertThat(new String(ok.output().data(), StandardCharsets.UTF_8)).contains("worker-2 3");
        assertThat(r.injections().get(1).finalStatus()).startsWith("not run");

        SnapshotView s = r.snapshots().get(0);
        assertThat(s.stuckMeasured()).isTrue();
        assertThat(s.stuck()).hasSize(3);
        WaitGraph g = s.graph();
        assertThat(g.cycles()).hasSize(1);
        assertThat(g.cycles().get(0)).contains("t:101", "t:102", "l:<0x0a> (a java.lang.Object)", "l:<0x0b> (a java.lang.Object)");
        assertThat(g.node("t:103").inCycle()).isFalse();
        assertThat(g.edges().stream().filter(WaitGraph.Edge::inCycle)).hasSize(4);
    }

    @Test
    void markdownHasEverySection() {
        SessionReplay r = ReplayBuilder.build(LogReader.read(SessionFixtures.diagnosis(dir)));
        String md = MarkdownReport.render(r, ReportOptions.defaults());
        assertThat(md).contains("# thaw session 20251125T100000Z-1", "## Timeline", "## Hypotheses, findings and conclusions",
                "### Hypotheses", "### Findings", "### Conclusions", "## Injections", "## Snapshots",
                "<details><summary>Script", "</details>", "the user confirmed", "the user declined",
                "**Stuck threads**", "**DEADLOCK:** worker-1 #101 waits for `<0x0b> (a java.lang.Object)`, held by worker-2 #102; worker-2 #102 waits for", "claude-code 2.1.80");
        // The script contains ``` : the fence must be longer so the block is not closed early.
        assertThat(md).contains("````python\n");
        assertThat(md).doesNotContain("## What could not be read");
    }

    @Test
    void aFailedScriptShowsItsErrorAndTraceback() {
        dev.thaw.session.SessionRecorder rec = SessionFixtures.recorder(dir, "auto");
        rec.ensureStarted(dev.thaw.session.ClientFacts.unknown());
        rec.queued(dev.thaw.session.RecordedInjectionRequest.of("f", SessionFixtures.TARGET, "python", null, java.util.Map.of(),
                "1/0\n", null, null, null, null));
        rec.decided(new dev.thaw.session.RecordedApproval("f", true, "auto_policy", "auto", null, null));
        rec.status("f", "failed", java.util.Map.of());
        rec.output("f", 0, new byte[0], false, java.util.Map.of("error", "ZeroDivisionError: division by zero",
                "traceback", "Traceback (most recent call last):\n  File \"<thaw>\", line 1\nZeroDivisionError"));
        SessionReplay r = ReplayBuilder.build(LogReader.read(rec.log().file()));
        assertThat(MarkdownReport.render(r, ReportOptions.defaults())).contains("**Error:** ZeroDivisionError: division by zero",
                "Traceback (most recent call last):");
        assertThat(HtmlReport.render(r, ReportOptions.defaults())).contains("<pre class=\"traceback\">Traceback");
    }

    @Test
    void htmlIsSelfContainedWithAnSvgGraphThatParses() throws Exception {
        SessionReplay r = ReplayBuilder.build(LogReader.read(SessionFixtures.diagnosis(dir)));
        String html = HtmlReport.render(r, ReportOptions.defaults());
        assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"timeline\"", "id=\"notes\"", "id=\"injections\"",
                "id=\"snapshots\"", "<details class=\"script\">", "class=\"wait-for-graph\"", "edge waits cycle");
        assertThat(html).doesNotContain("<script", "src=", "href=\"http", "<link");
        // Escaped: a script's HTML never becomes markup.
        assertThat(html).contains("&lt;b&gt;html&lt;/b&gt;").doesNotContain("<b>html</b>");
        String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>") + 6);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    }
}
