package dev.thaw.replay;

import dev.thaw.session.RecordedApproval;
import dev.thaw.session.ClientFacts;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.RecordedTarget;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes sessions through the real recorder, for reader and report tests: the records are exactly
 * what the server writes.
 */
final class SessionFixtures {

    static final RecordedTarget TARGET = new RecordedTarget(4242, "2025-11-25T10:00:00Z", "/usr/bin/java",
            "java -cp app.jar dev.thaw.samples.java.MonitorLockOrdering", "hotspot", "17.0.15");

    static final String SCRIPT = """
            import threading, sys
            for t in threading.enumerate():
                print(t.name, t.ident)
            print("```  backticks and <b>html</b> & stuff")
            """;

    private SessionFixtures() {
    }

    static SessionRecorder recorder(Path dir, String policy) {
        SessionLog log = SessionLog.open(dir.resolve("20251125T100000Z-1.jsonl"));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("server", "thaw");
        facts.put("version", "0.1.0-test");
        facts.put("pid", 1);
        facts.put("policy", policy);
        return new SessionRecorder(log, facts);
    }

    /** A diagnosis: list, a snapshot showing a deadlock, notes, one approved injection with output, one refused. */
    static Path diagnosis(Path dir) {
        SessionRecorder rec = recorder(dir, "custom");
        rec.ensureStarted(new ClientFacts("claude-code", "2.1.80", true));
        long c1 = rec.toolCallStarted("list_processes", Map.of("runtime", "any"));
        rec.toolCallFinished(c1, "list_processes", Map.of("runtime", "any"), "2 processes", null, Map.of("x", 1), 1200);
        rec.note("hypothesis", "The two workers take lockA and lockB in opposite orders.");
        long c2 = rec.toolCallStarted("snapshot", Map.of("pid", 4242, "samples", 3));
        rec.toolCallFinished(c2, "snapshot", Map.of("pid", 4242, "samples", 3), "2 stuck threads", null, deadlockSnapshot(), 52_000);
        rec.note("finding", "worker-1 holds lockA and waits for lockB; worker-2 holds lockB and waits for lockA.");

        RecordedInjectionRequest ok = RecordedInjectionRequest.of("inj-1", TARGET, "python", null, Map.of("depth", 3), SCRIPT, "auto",
                "thread", 10, "see every thread");
        rec.queued(ok);
        rec.decided(new RecordedApproval("inj-1", true, RecordedApproval.HOW_USER_ACCEPTED, "custom", "confirmed in claude-code", 3100L));
        rec.status("inj-1", "delivered", Map.of());
        rec.status("inj-1", "completed", Map.of("elapsedMs", 14));
        rec.output("inj-1", 0, "MainThread 1\nworker-1 2\nworker-2 3\n".getBytes(StandardCharsets.UTF_8), false);

        RecordedInjectionRequest no = RecordedInjectionRequest.of("inj-2", TARGET, "python", null, Map.of(), "import os; os._exit(1)\n",
                null, null, null, null);
        rec.queued(no);
        rec.decided(new RecordedApproval("inj-2", false, RecordedApproval.HOW_USER_DECLINED, "custom", null, 900L));
        rec.note("conclusion", "Lock-ordering deadlock between worker-1 and worker-2; fix: one global lock order.");
        rec.end("stdin closed");
        return rec.log().file();
    }

    /** A JVM-like snapshot (the dev.thaw.snapshot model as JSON) with a two-thread monitor deadlock and a bystander. */
    static Map<String, Object> deadlockSnapshot() {
        Map<String, Object> w1 = thread(101, "worker-1", "BLOCKED", "<0x0b> (a java.lang.Object)", 102, List.of("<0x0a> (a java.lang.Object)"));
        Map<String, Object> w2 = thread(102, "worker-2", "BLOCKED", "<0x0a> (a java.lang.Object)", 101, List.of("<0x0b> (a java.lang.Object)"));
        Map<String, Object> w3 = thread(103, "waiter-3", "BLOCKED", "<0x0a> (a java.lang.Object)", 101, List.of());
        Map<String, Object> idle = new LinkedHashMap<>(thread(1, "main", "TIMED_WAITING", null, null, List.of()));
        idle.put("stuck", false);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pid", 4242);
        s.put("runtime", "jvm");
        s.put("runtimeVersion", "17.0.15");
        s.put("takenAt", "2025-11-25T10:00:05Z");
        s.put("samples", 3);
        s.put("intervalMs", 200);
        s.put("totalThreads", 4);
        s.put("shownThreads", 4);
        s.put("maxFrames", 64);
        s.put("groups", List.of(
                group(1, List.of(w1), "MonitorLockOrdering.transfer", 41),
                group(2, List.of(w2), "MonitorLockOrdering.transfer", 41),
                group(3, List.of(w3), "MonitorLockOrdering.audit", 57),
                group(4, List.of(idle), "java.lang.Thread.sleep", null)));
        s.put("notes", List.of("deadlock detected by the JVM"));
        return s;
    }

    private static Map<String, Object> thread(long tid, String name, String state, String waits, Integer owner, List<String> held) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("tid", tid);
        t.put("name", name);
        t.put("main", false);
        t.put("state", state);
        t.put("stuck", waits != null);
        if (waits != null) {
            t.put("lockWaitedOn", waits);
        }
        t.put("locksHeld", held);
        if (owner != null) {
            t.put("owner", owner);
        }
        return t;
    }

    private static Map<String, Object> group(int rank, List<Map<String, Object>> threads, String fn, Integer line) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("function", fn);
        frame.put("file", "MonitorLockOrdering.java");
        if (line != null) {
            frame.put("line", line);
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("rank", rank);
        g.put("count", threads.size());
        g.put("tids", threads.stream().map(t -> t.get("tid")).toList());
        g.put("frames", List.of(frame, Map.of("function", "java.lang.Thread.run", "file", "Thread.java", "line", 833)));
        g.put("framesOmitted", 0);
        g.put("why", List.of("same stack in all 3 samples"));
        g.put("threads", threads);
        return g;
    }
}
