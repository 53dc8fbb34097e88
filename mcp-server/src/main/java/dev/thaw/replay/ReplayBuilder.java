package dev.thaw.replay;

import dev.thaw.replay.snapshot.SnapshotView;
import dev.thaw.session.RecordTypes;
import dev.thaw.session.SessionLog;
import dev.thaw.session.Sha256;
import dev.thaw.session.RecordedTarget;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the records of a log into a {@link SessionReplay}: pairs each call's start with its end,
 * gathers each injection's write-ahead record, decision, statuses and output, and reads the snapshots.
 * Anything it cannot place becomes a {@link ReadProblem}, never an exception.
 */
public final class ReplayBuilder {

    private final LogContents contents;
    private final PayloadReader payloads;
    private final List<ReadProblem> problems;
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private final Map<Long, Integer> callIndex = new HashMap<>();
    private final Map<String, InjectionBuilder> injections = new LinkedHashMap<>();
    private final List<SnapshotView> snapshots = new ArrayList<>();
    private Fields start = Fields.of(null);
    private Fields end = Fields.of(null);
    private String endTime;

    private ReplayBuilder(LogContents contents) {
        this.contents = contents;
        this.payloads = new PayloadReader(contents.file());
        this.problems = new ArrayList<>(contents.problems());
    }

    public static SessionReplay build(LogContents contents) {
        return new ReplayBuilder(contents).run();
    }

    private SessionReplay run() {
        for (LogRecord r : contents.records()) {
            switch (r.type()) {
                case RecordTypes.SESSION_START -> start = r.f();
                case RecordTypes.SESSION_END -> {
                    end = r.f();
                    endTime = r.time();
                }
                case RecordTypes.TOOL_CALL_STARTED -> callStarted(r);
                case RecordTypes.TOOL_CALL -> callFinished(r);
                case RecordTypes.NOTE -> timeline.add(new TimelineEntry.Note(r.seq(), r.time(), r.f().str("kind"),
                        r.f().str("text")));
                case RecordTypes.INJECTION_QUEUED -> queued(r);
                case RecordTypes.APPROVAL -> approval(r);
                case RecordTypes.INJECTION_STATUS -> status(r);
                case RecordTypes.INJECTION_OUTPUT -> output(r);
                default -> problems.add(new ReadProblem(ReadProblem.Kind.UNKNOWN_TYPE, r.line(), "a record of unknown type '"
                        + r.type() + "' (written by a newer thaw?); skipped"));
            }
        }
        SessionInfo info = new SessionInfo(SessionLog.stem(contents.file()), start.str("server"), start.str("version"),
                timeOf(), start.num("pid"), start.str("java"), start.str("policy"), start.str("elicitationTimeout"),
                start.obj("client").str("name"), start.obj("client").str("version"), start.obj("client").bool("elicitation"),
                start.str("rerunOf"), endTime, end.str("reason"));
        List<InjectionHistory> histories = injections.values().stream().map(InjectionBuilder::build).toList();
        for (InjectionHistory h : histories) {
            if (h.script() != null && !h.hashMatches()) {
                problems.add(new ReadProblem(ReadProblem.Kind.HASH_MISMATCH, 0, "injection " + h.id() + ": the recorded "
                        + "script does not match its recorded SHA-256 " + shortHash(h.sha256()) + " (the log was edited "
                        + "or damaged); the text shown may not be what ran"));
            }
        }
        return new SessionReplay(contents.file(), info, List.copyOf(timeline), histories, List.copyOf(snapshots),
                List.copyOf(problems), contents.records().size());
    }

    private String timeOf() {
        return start.str("time");
    }

    private void callStarted(LogRecord r) {
        Fields f = r.f();
        Long call = f.num("call");
        TimelineEntry.Call c = new TimelineEntry.Call(r.seq(), r.time(), call, f.str("tool"), f.obj("arguments").raw(), null,
                null, null, null, null, true, null);
        if (call != null) {
            callIndex.put(call, timeline.size());
        }
        timeline.add(c);
    }

    private void callFinished(LogRecord r) {
        Fields f = r.f();
        Long call = f.num("call");
        Integer snapshotIndex = null;
        if ("snapshot".equals(f.str("tool")) && f.has("result")) {
            String[] problem = new String[1];
            Object structured = payloads.json(f.obj("result"), problem);
            if (structured != null) {
                snapshots.add(SnapshotViews.from(r.seq(), r.time(), structured, List.of()));
                snapshotIndex = snapshots.size() - 1;
            } else {
                problems.add(new ReadProblem(ReadProblem.Kind.SIDECAR, r.line(), "the snapshot result cannot be shown: "
                        + problem[0]));
            }
        }
        // Older logs (and the summary-only ones) have no "ok": an error code means it failed.
        Boolean ok = f.bool("ok") != null ? f.bool("ok") : !f.has("error");
        Integer at = call == null ? null : callIndex.remove(call);
        long seq = at == null ? r.seq() : timeline.get(at).seq();
        String time = at == null ? r.time() : timeline.get(at).time();
        TimelineEntry.Call c = new TimelineEntry.Call(seq, time, call, f.str("tool"), f.obj("arguments").raw(), ok,
                f.str("summary"), f.str("error"), f.str("errorMessage"), f.dbl("durationMs"), false, snapshotIndex);
        if (at != null) {
            timeline.set(at, c);
        } else {
            timeline.add(c);
        }
    }

    private InjectionBuilder injection(String id) {
        return injections.computeIfAbsent(id == null ? "(no id)" : id, InjectionBuilder::new);
    }

    private void queued(LogRecord r) {
        Fields f = r.f();
        InjectionBuilder b = injection(f.str("injectionId"));
        b.queued = r;
        String what = "queued: " + (f.has("catalogId") ? "catalog entry " + f.str("catalogId")
                : "custom " + (f.has("language") ? f.str("language") + " " : "") + "script")
                + " for pid " + f.obj("target").str("pid") + " (sha256 " + shortHash(f.str("sha256")) + ")";
        timeline.add(new TimelineEntry.InjectionEvent(r.seq(), r.time(), b.id, what));
    }

    private void approval(LogRecord r) {
        Fields f = r.f();
        InjectionBuilder b = injection(f.str("injectionId"));
        b.decision = new InjectionHistory.Decision(Boolean.TRUE.equals(f.bool("approved")), f.str("how"), f.str("policy"),
                f.str("detail"), f.num("waitedMs"), r.time());
        timeline.add(new TimelineEntry.InjectionEvent(r.seq(), r.time(), b.id,
                (b.decision.approved() ? "approved" : "refused") + " (" + f.str("how") + ", policy " + f.str("policy") + ")"));
    }

    private void status(LogRecord r) {
        Fields f = r.f();
        InjectionBuilder b = injection(f.str("injectionId"));
        b.statuses.add(new InjectionHistory.StatusChange(r.time(), f.str("status"), f.obj("detail").raw()));
        timeline.add(new TimelineEntry.InjectionEvent(r.seq(), r.time(), b.id, "status: " + f.str("status")));
    }

    private void output(LogRecord r) {
        Fields f = r.f();
        InjectionBuilder b = injection(f.str("injectionId"));
        PayloadReader.Loaded l = payloads.bytes(f);
        if (l.data() == null) {
            b.outputProblems.add("output at offset " + f.num("offset") + ": " + l.problem());
            problems.add(new ReadProblem(ReadProblem.Kind.SIDECAR, r.line(), "output of " + b.id + ": " + l.problem()));
        } else {
            Long offset = f.num("offset");
            b.chunks.put(offset == null ? b.chunks.size() : offset, l.data());
        }
        b.truncated |= Boolean.TRUE.equals(f.bool("truncated"));
        b.hasOutput = true;
        if (!f.obj("detail").raw().isEmpty()) {
            b.outputDetail.putAll(f.obj("detail").raw());
        }
    }

    static String shortHash(String sha) {
        return sha == null ? "?" : sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }

    /** Collects one injection's records in any order. */
    private static final class InjectionBuilder {
        final String id;
        LogRecord queued;
        InjectionHistory.Decision decision;
        final List<InjectionHistory.StatusChange> statuses = new ArrayList<>();
        final TreeMap<Long, byte[]> chunks = new TreeMap<>();
        final List<String> outputProblems = new ArrayList<>();
        final Map<String, Object> outputDetail = new LinkedHashMap<>();
        boolean truncated;
        boolean hasOutput;

        InjectionBuilder(String id) {
            this.id = id;
        }

        InjectionHistory build() {
            Fields q = queued == null ? Fields.of(null) : queued.f();
            Fields t = q.obj("target");
            RecordedTarget target = q.has("target") ? new RecordedTarget(t.num("pid") == null ? 0 : t.num("pid").intValue(),
                    t.str("startTime"), t.str("executable"), t.str("command"), t.str("runtime"), t.str("runtimeVersion"))
                    : null;
            String script = q.str("script");
            String sha = q.str("sha256");
            boolean matches = script != null && sha != null && sha.equals(Sha256.hex(script));
            InjectionHistory.Output out = null;
            if (hasOutput) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                chunks.values().forEach(all::writeBytes);
                out = new InjectionHistory.Output(all.toByteArray(), truncated, List.copyOf(outputProblems),
                        Map.copyOf(outputDetail));
            }
            return new InjectionHistory(id, queued == null ? null : queued.seq(), queued == null ? null : queued.time(),
                    target, q.str("language"), q.str("catalogId"), q.obj("params").raw(), script, sha, matches,
                    q.str("hypothesis"), q.str("thread"), q.str("mode"),
                    q.num("timeoutS") == null ? null : q.num("timeoutS").intValue(), decision, List.copyOf(statuses), out);
        }
    }
}
