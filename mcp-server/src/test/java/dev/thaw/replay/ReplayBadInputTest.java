package dev.thaw.replay;

import dev.thaw.report.HtmlReport;
import dev.thaw.report.MarkdownReport;
import dev.thaw.report.ReportOptions;
import dev.thaw.session.SessionRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A truncated, corrupted or newer log still replays: what can be shown is, and the rest is named. */
class ReplayBadInputTest {

    @TempDir
    Path dir;

    private static SessionReplay replay(Path p) {
        return ReplayBuilder.build(LogReader.read(p));
    }

    @Test
    void aTruncatedLogRendersEverythingBeforeTheCut() throws Exception {
        Path log = SessionFixtures.diagnosis(dir);
        byte[] all = Files.readAllBytes(log);
        // cut in the middle of the record holding the approved injection's output
        String text = new String(all, StandardCharsets.UTF_8);
        int cut = text.indexOf("\"type\":\"injection_output\"") + 10;
        Files.write(log, Arrays.copyOf(all, text.substring(0, cut).getBytes(StandardCharsets.UTF_8).length));
        SessionReplay r = replay(log);
        assertThat(r.problems()).singleElement().extracting(ReadProblem::kind).isEqualTo(ReadProblem.Kind.TORN_TAIL);
        assertThat(r.endedCleanly()).isFalse();
        String md = MarkdownReport.render(r, ReportOptions.defaults());
        assertThat(md).contains("## What could not be read", "torn last line", "no orderly end recorded",
                "### Hypotheses", "## Snapshots", "DEADLOCK", "status: completed", "_No output recorded._");
        assertThat(HtmlReport.render(r, ReportOptions.defaults())).contains("class=\"problem torn_tail\"");
    }

    @Test
    void corruptedAndNewerRecordsAreSkippedAndListed() throws Exception {
        Path log = SessionFixtures.diagnosis(dir);
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.set(3, lines.get(3).substring(0, 20) + "\u0000garbage"); // the hypothesis note
        lines.add(5, "{\"v\":9,\"seq\":99,\"time\":\"2030-01-01T00:00:00Z\",\"type\":\"quantum_probe\"}");
        lines.add(6, "{\"v\":1,\"seq\":100,\"time\":\"2030-01-01T00:00:00Z\",\"type\":\"future_thing\"}");
        Files.write(log, lines);
        SessionReplay r = replay(log);
        assertThat(r.problems()).extracting(ReadProblem::kind).contains(ReadProblem.Kind.CORRUPT_LINE,
                ReadProblem.Kind.NEWER_VERSION, ReadProblem.Kind.UNKNOWN_TYPE);
        String md = MarkdownReport.render(r, ReportOptions.defaults());
        assertThat(md).contains("corrupt line", "newer schema", "quantum_probe", "unknown record type", "future_thing")
                .doesNotContain("opposite orders") // the corrupt note is gone
                .contains("### Findings", "### Conclusions", "inj-1");
    }

    @Test
    void aMissingOrDamagedSidecarIsReportedAndTheRestRenders() throws Exception {
        SessionRecorder rec = SessionFixtures.recorder(dir, "auto");
        rec.ensureStarted(dev.thaw.session.ClientFacts.unknown());
        rec.queued(dev.thaw.session.RecordedInjectionRequest.of("big", SessionFixtures.TARGET, "python", null, Map.of(),
                "print('x' * 100000)\n", null, null, null, null));
        rec.decided(new dev.thaw.session.RecordedApproval("big", true, "auto_policy", "auto", null, null));
        byte[] out = "y".repeat(70_000).getBytes(StandardCharsets.UTF_8);
        rec.output("big", 0, out, false);
        rec.status("big", "completed", Map.of());
        Path log = rec.log().file();

        SessionReplay ok = replay(log);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.injections().get(0).output().data()).hasSize(70_000);
        String md = MarkdownReport.render(ok, new ReportOptions(100, 400));
        assertThat(md).contains("first 100 of 70000 bytes shown");

        Path side;
        try (var files = Files.list(dir)) {
            side = files.filter(f -> f.toString().endsWith(".out")).findFirst().orElseThrow();
        }
        Files.writeString(side, "tampered");
        SessionReplay damaged = replay(log);
        assertThat(damaged.problems()).singleElement().satisfies(p -> assertThat(p.detail()).contains("does not match"));
        Files.delete(side);
        SessionReplay missing = replay(log);
        assertThat(missing.problems()).singleElement().satisfies(p -> assertThat(p.detail()).contains("missing"));
        assertThat(MarkdownReport.render(missing, ReportOptions.defaults())).contains("sidecar file", "completed");
    }

    @Test
    void anEditedScriptIsFlagged() throws Exception {
        Path log = SessionFixtures.diagnosis(dir);
        String text = Files.readString(log).replace("print(t.name, t.ident)", "print(t.name, t.ident, 'evil')");
        Files.writeString(log, text);
        SessionReplay r = replay(log);
        assertThat(r.problems()).extracting(ReadProblem::kind).contains(ReadProblem.Kind.HASH_MISMATCH);
        assertThat(MarkdownReport.render(r, ReportOptions.defaults())).contains("does not match the recorded text");
    }

    @Test
    void garbageRendersAsAnEmptyReportThatSaysWhy() throws Exception {
        Path p = dir.resolve("junk.jsonl");
        Files.write(p, new byte[] {1, 2, 3, '\n', (byte) 0xC3});
        SessionReplay r = replay(p);
        String md = MarkdownReport.render(r, ReportOptions.defaults());
        assertThat(md).contains("corrupt line", "torn last line", "Nothing recorded.", "unknown (no session_start record)");
        assertThat(HtmlReport.render(r, ReportOptions.defaults())).contains("Nothing recorded.");
    }

    @Test
    void aCallWithoutItsEndIsShownInFlight() throws Exception {
        SessionRecorder rec = SessionFixtures.recorder(dir, "custom");
        rec.ensureStarted(dev.thaw.session.ClientFacts.unknown());
        rec.toolCallStarted("inject_script", Map.of("pid", 1, "code", "print(1)"));
        SessionReplay r = replay(rec.log().file());
        assertThat(r.calls()).singleElement().satisfies(c -> assertThat(c.inFlight()).isTrue());
        assertThat(MarkdownReport.render(r, ReportOptions.defaults())).contains("in flight when the log ends");
    }
}
