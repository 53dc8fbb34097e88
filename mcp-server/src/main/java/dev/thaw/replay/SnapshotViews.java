package dev.thaw.replay;

import dev.thaw.replay.snapshot.SnapshotView;
import dev.thaw.replay.snapshot.StuckGroup;
import dev.thaw.replay.snapshot.WaitGraphs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the structured result of a recorded {@code snapshot} call (the runtime-neutral model of
 * dev.thaw.snapshot: groups of threads sharing a stack, per-thread state and locks) into what the
 * postmortem shows. Works on the JSON as logged, not on the engine's classes, so a log replays
 * whatever engines this build has, and fields a newer engine adds are simply ignored.
 */
public final class SnapshotViews {

    static final int MAX_GROUPS = 12;
    static final int MAX_FRAMES = 6;
    static final int MAX_NAMES = 4;
    /** Engine states that mean "waiting for a lock" when a single sample cannot say "stuck". */
    private static final Set<String> LOCK_STATES = Set.of("lock_wait", "BLOCKED");

    private SnapshotViews() {
    }

    public static SnapshotView from(long callSeq, String time, Object structured, List<String> readNotes) {
        Fields s = Fields.of(structured);
        List<Fields> groups = s.objects("groups");
        Map<String, String> names = new HashMap<>();
        List<WaitGraphs.ThreadFact> facts = new ArrayList<>();
        boolean measured = false;
        for (Fields g : groups) {
            for (Fields t : g.objects("threads")) {
                String tid = t.str("tid");
                if (tid == null) {
                    continue;
                }
                names.put(tid, t.str("name"));
                measured |= t.has("stuck");
                facts.add(new WaitGraphs.ThreadFact(tid, t.str("name"), t.str("lockWaitedOn"), t.str("owner"),
                        t.strings("locksHeld")));
            }
        }
        facts.addAll(jvmGraphFacts(s, names));

        List<StuckGroup> stuck = new ArrayList<>();
        int omitted = 0;
        for (Fields g : groups) {
            List<Fields> threads = g.objects("threads");
            boolean pick = measured
                    ? threads.stream().anyMatch(t -> Boolean.TRUE.equals(t.bool("stuck")))
                    : threads.stream().anyMatch(t -> t.has("lockWaitedOn") || LOCK_STATES.contains(t.str("state")));
            if (!pick) {
                continue;
            }
            if (stuck.size() >= MAX_GROUPS) {
                omitted++;
                continue;
            }
            stuck.add(group(g, threads, names));
        }
        List<String> notes = new ArrayList<>(s.strings("notes"));
        if (readNotes != null) {
            notes.addAll(readNotes);
        }
        return new SnapshotView(callSeq, time, intOrNull(s.num("pid")), s.str("runtime"), s.str("runtimeVersion"),
                s.str("takenAt"), intOrNull(s.num("samples")), intOrNull(s.num("totalThreads")), measured, stuck, omitted,
                WaitGraphs.of(facts), notes);
    }

    private static StuckGroup group(Fields g, List<Fields> threads, Map<String, String> names) {
        Long count = g.num("count");
        List<String> labels = new ArrayList<>();
        for (Fields t : threads) {
            if (labels.size() >= MAX_NAMES) {
                break;
            }
            labels.add(label(t.str("name"), t.str("tid")));
        }
        Fields first = threads.isEmpty() ? Fields.of(null) : threads.get(0);
        String owner = first.str("owner");
        List<String> frames = new ArrayList<>();
        for (Fields f : g.objects("frames")) {
            if (frames.size() >= MAX_FRAMES) {
                break;
            }
            Long line = f.num("line");
            frames.add(f.str("function") + " (" + f.str("file") + (line == null ? "" : ":" + line) + ")");
        }
        Long omitted = g.num("framesOmitted");
        int shown = g.objects("frames").size();
        if (shown > MAX_FRAMES || (omitted != null && omitted > 0)) {
            frames.add("… " + (shown - frames.size() + (omitted == null ? 0 : omitted)) + " more frames");
        }
        return new StuckGroup(count == null ? threads.size() : count.intValue(), labels, first.str("state"),
                first.str("lockWaitedOn"), owner == null ? null : label(names.get(owner), owner), frames, g.strings("why"));
    }

    /**
     * A JVM snapshot may carry the wait-for graph from the thread dump (edges with waiter, owner and
     * lock) in addition to per-thread fields; its edges are facts too.
     */
    private static List<WaitGraphs.ThreadFact> jvmGraphFacts(Fields s, Map<String, String> names) {
        List<WaitGraphs.ThreadFact> facts = new ArrayList<>();
        for (Fields e : s.obj("waitForGraph").objects("edges")) {
            String waiter = e.str("waiterTid");
            String owner = e.str("ownerTid");
            if (waiter == null || owner == null) {
                continue;
            }
            Fields lock = e.obj("lock");
            String lockName = lock.has("address") || lock.has("className")
                    ? "<" + lock.str("address") + "> (a " + lock.str("className") + ")"
                    : e.str("lock");
            names.putIfAbsent(waiter, e.str("waiter"));
            names.putIfAbsent(owner, e.str("owner"));
            facts.add(new WaitGraphs.ThreadFact(waiter, e.str("waiter"), lockName, owner, List.of()));
            facts.add(new WaitGraphs.ThreadFact(owner, e.str("owner"), null, null, List.of()));
        }
        return facts;
    }

    static String label(String name, String tid) {
        return (name == null || name.isBlank() ? "thread" : name) + " #" + tid;
    }

    private static Integer intOrNull(Long v) {
        return v == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
