package dev.thaw.cli;

import dev.thaw.BuildInfo;
import dev.thaw.ErrorCode;
import dev.thaw.app.Services;
import dev.thaw.ThawException;
import dev.thaw.process.ProcessInfo;
import dev.thaw.replay.LogReader;
import dev.thaw.replay.ReplayBuilder;
import dev.thaw.replay.SessionReplay;
import dev.thaw.replay.rerun.InjectionRunner;
import dev.thaw.replay.rerun.InjectionRunnerProvider;
import dev.thaw.replay.rerun.Rerun;
import dev.thaw.replay.rerun.RerunReport;
import dev.thaw.replay.rerun.RerunText;
import dev.thaw.report.HtmlReport;
import dev.thaw.report.MarkdownReport;
import dev.thaw.report.ReportOptions;
import dev.thaw.session.ClientFacts;
import dev.thaw.session.SessionFiles;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.RecordedTarget;
import dev.thaw.session.approval.ApprovalPolicy;
import dev.thaw.session.approval.InjectionGate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/** {@code thaw replay LOG}: the postmortem of a recorded session, and re-running its injections. */
@Command(name = "replay", header = "Render a session log as a postmortem (Markdown or HTML), or re-run it.", mixinStandardHelpOptions = true,
        description = {"Render a recorded session as a postmortem: Markdown on stdout (timeline of",
            "calls, hypotheses and findings, injected scripts, outputs, stuck threads per",
            "snapshot), or one self-contained HTML page with wait-for graphs. A damaged log",
            "renders as far as it reads, and the report says what was skipped.",
            "With --rerun PID: re-run the session's injections against a new process and",
            "report which outputs changed (to confirm a fix)."})
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "A session log: its path, its name in "
            + "$XDG_STATE_HOME/thaw/sessions/, or `latest`.")
    String log;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the report as one self-contained HTML page "
            + "(file mode 0600: it holds scripts and outputs) instead of printing Markdown.")
    Path html;

    @Option(names = "--max-output", paramLabel = "BYTES", defaultValue = "8192",
            description = "Bytes of each injection's output shown (default ${DEFAULT-VALUE}); the log keeps all.")
    int maxOutput;

    @Option(names = "--rerun", paramLabel = "PID", description = "Re-run the session's injections, in order, against "
            + "process PID (a new process of the same runtime) and report per injection whether the output changed.")
    Integer rerunPid;

    @Option(names = "--approve", paramLabel = "POLICY", description = "With --rerun: the approval policy (auto, custom, "
            + "always, deny-custom); default: the one the session was recorded under. Asking happens on the terminal.")
    String approve;

    @Override
    public Integer call() {
        Path file = SessionFiles.resolve(log);
        SessionReplay replay = ReplayBuilder.build(LogReader.read(file));
        if (rerunPid != null) {
            return rerun(replay);
        }
        ReportOptions options = new ReportOptions(Math.max(0, maxOutput), ReportOptions.defaults().maxScriptLines());
        if (html != null) {
            writePrivately(html, HtmlReport.render(replay, options));
            Stdout.stream().println("Wrote " + html + " (session " + replay.info().name() + ", " + replay.recordCount()
                    + " records" + (replay.problems().isEmpty() ? "" : ", " + replay.problems().size() + " problem(s) reported in it")
                    + ").");
        } else {
            Stdout.stream().print(MarkdownReport.render(replay, options));
        }
        if (!replay.problems().isEmpty()) {
            System.err.println("thaw: " + replay.problems().size() + " problem(s) reading " + file + "; the report lists "
                    + "them under 'What could not be read'.");
        }
        return 0;
    }

    private int rerun(SessionReplay replay) {
        Services services = new Services();
        ProcessInfo info = services.lister().describe(rerunPid);
        RecordedTarget target = RecordedTarget.of(info, services.proc().exe(rerunPid).orElse(null));
        Rerun.check(replay, target);
        InjectionRunner runner = ServiceLoader.load(InjectionRunnerProvider.class).findFirst()
                .map(p -> p.create(services))
                .orElseThrow(() -> new ThawException(ErrorCode.RERUN_UNAVAILABLE,
                        "This build of thaw has no injection engine, which --rerun needs to run the scripts again.",
                        "Use a thaw build with inject_script support; the report itself (without --rerun) works."));
        String recorded = replay.info().policy();
        ApprovalPolicy policy = ApprovalPolicy.parse(approve != null ? approve : recorded != null ? recorded : "custom");

        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("server", "thaw");
        facts.put("version", BuildInfo.version());
        facts.put("pid", ProcessHandle.current().pid());
        facts.put("java", Runtime.version().toString());
        facts.put("policy", policy.cliName());
        facts.put("rerunOf", replay.file().toAbsolutePath().toString());
        SessionRecorder recorder = new SessionRecorder(SessionLog.create(), facts);
        try {
            recorder.ensureStarted(new ClientFacts("thaw replay --rerun", BuildInfo.version(), false));
            RerunReport report = new Rerun(new InjectionGate(policy, recorder), new ConsoleApprover(), runner, recorder)
                    .run(replay, target);
            Stdout.stream().print(RerunText.render(report));
            return 0;
        } finally {
            recorder.end("rerun finished");
        }
    }

    /** Reports hold what ran inside production processes: private, like the logs. */
    static void writePrivately(Path target, String content) {
        Path abs = target.toAbsolutePath();
        try {
            Path tmp = Files.createTempFile(abs.getParent(), ".thaw-report-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ThawException(ErrorCode.REPORT_UNWRITABLE, "Cannot write " + abs + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + ".",
                    "Pass --html a path in an existing directory you can write.");
        }
    }
}
