package dev.thaw.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The compact text rendering of a {@link Snapshot}, for terminals and model contexts. Bounded:
 * groups are printed in rank order with their frames until a character budget is spent, then as
 * one line each, then only counted. A 500-thread process fits in a few KB; the structured
 * output keeps everything.
 */
public final class SnapshotRenderer {

    /** Default budget: a few KB, about a thousand tokens. */
    public static final int DEFAULT_BUDGET = 6000;
    private static final int MAX_TEXT_FRAMES = 24;
    private static final int MAX_TIDS = 12;
    private static final int MAX_NAMES = 4;

    private SnapshotRenderer() {
    }

    public static String text(Snapshot s) {
        return text(s, DEFAULT_BUDGET);
    }

    public static String text(Snapshot s, int requestedBudget) {
        // The CLI asks for "everything" with MAX_VALUE; keep the arithmetic below (budget + budget / 3) in range.
        int budget = Math.min(requestedBudget, Integer.MAX_VALUE / 4);
        StringBuilder sb = new StringBuilder(Math.min(budget + 512, 1 << 16));
        sb.append(s.runtime()).append(' ').append(s.runtimeVersion()).append(" pid ").append(s.pid()).append(": ")
                .append(s.shownThreads()).append(s.shownThreads() == s.totalThreads() ? "" : " of " + s.totalThreads())
                .append(s.totalThreads() == 1 ? " thread" : " threads").append(" in ").append(s.groups().size())
                .append(s.groups().size() == 1 ? " stack" : " stacks");
        if (s.samples() > 1) {
            sb.append(", ").append(s.samples()).append(" samples ").append(s.intervalMs()).append(" ms apart");
        }
        sb.append(" (").append(s.takenAt()).append(")\n");
        findings(sb, s.findings());
        for (String n : s.notes()) {
            sb.append("note: ").append(n).append('\n');
        }
        if (s.jvm() != null) {
            jvmLocks(sb, s.jvm());
        }
        if (s.python() != null && s.python().modules() != null) {
            PythonLines.modules(sb, s.python());
        }
        int i = 0;
        List<StackGroup> groups = s.groups();
        for (; i < groups.size() && sb.length() < budget; i++) {
            group(sb, groups.get(i), s.maxFrames(), budget);
        }
        int oneLiners = 0;
        for (; i < groups.size() && sb.length() < budget + budget / 3; i++, oneLiners++) {
            StackGroup g = groups.get(i);
            sb.append('[').append(g.rank()).append("] ").append(header(g)).append(" · at ")
                    .append(g.frames().isEmpty() ? (s.jvm() != null ? "(no Java frames)" : "(no Python frames)") : g.frames().get(0).display()).append('\n');
        }
        if (i < groups.size()) {
            int threads = 0;
            for (int j = i; j < groups.size(); j++) {
                threads += groups.get(j).count();
            }
            sb.append("… ").append(groups.size() - i).append(" more stacks (").append(threads)
                    .append(" threads) not shown: see the structured output, or narrow with `thread`.\n");
        }
        return sb.toString();
    }

    private static void group(StringBuilder sb, StackGroup g, int maxFrames, int budget) {
        sb.append('[').append(g.rank()).append("] ").append(header(g)).append('\n');
        if (!g.why().isEmpty()) {
            sb.append("    why: ").append(String.join("; ", g.why())).append('\n');
        }
        ThreadSnapshot t = g.threads().get(0);
        if (g.count() == 1 && t.lockWaitedOn() != null) {
            sb.append("    waits on ").append(t.lockWaitedOn());
            if (t.owner() != null) {
                sb.append(" held by tid ").append(t.owner());
            }
            sb.append('\n');
        }
        if (g.count() == 1 && t.locksHeld() != null && !t.locksHeld().isEmpty()) {
            sb.append("    holds ").append(String.join(", ", t.locksHeld())).append('\n');
        }
        Set<String> notes = new LinkedHashSet<>();
        for (ThreadSnapshot m : g.threads()) {
            if (m.note() != null) {
                notes.add(m.note());
            }
        }
        for (String n : notes) {
            sb.append("    note: ").append(n).append('\n');
        }
        PythonLines.threads(sb, g);
        List<Frame> frames = g.frames();
        frames(sb, g, frames, t, maxFrames);
        for (ThreadSnapshot m : g.threads()) {
            InsideThreadsText.append(sb, m); // asyncio tasks and greenlets, under their thread
        }
    }

    private static void frames(StringBuilder sb, StackGroup g, List<Frame> frames, ThreadSnapshot t, int maxFrames) {
        if (frames.isEmpty() && t.jvm() != null) {
            sb.append("    (no Java frames)\n");
            return;
        }
        if (frames.isEmpty()) {
            sb.append("    (no Python frames: the thread runs C code only, or has not started Python code)\n");
            return;
        }
        // Inside the structured cut, the text may cut again to stay small.
        int innerEnd = frames.size() - (g.framesOmitted() > 0 ? SnapshotAssembler.outermostKept(maxFrames) : 0);
        int textInner = Math.min(innerEnd, MAX_TEXT_FRAMES);
        int extraCut = innerEnd - textInner;
        for (int k = 0; k < textInner; k++) {
            sb.append("    ").append(frames.get(k).display()).append('\n');
            PythonLines.source(sb, frames.get(k));
            PythonLines.locals(sb, g, k);
        }
        int omitted = g.framesOmitted() + extraCut;
        if (omitted > 0) {
            sb.append("    … ").append(omitted).append(" frames …\n");
        }
        for (int k = innerEnd; k < frames.size(); k++) {
            sb.append("    ").append(frames.get(k).display()).append('\n');
            PythonLines.source(sb, frames.get(k));
        }
    }

    /**
     * What the snapshot means, before the stacks: each finding's sentence, its confidence, the fix, the
     * first next call and what could not be checked. Evidence stays in the structured output.
     */
    private static void findings(StringBuilder sb, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        sb.append("FINDINGS:\n");
        for (Finding f : findings) {
            sb.append("* [").append(f.kind()).append(", ").append(f.confidence()).append("] ").append(f.summary()).append('\n');
            sb.append("  fix: ").append(f.fix()).append('\n');
            if (!f.next().isEmpty()) {
                NextCall n = f.next().get(0);
                sb.append("  next: ").append(n.tool()).append(' ').append(dev.thaw.Json.write(n.arguments()))
                        .append(" (").append(n.why()).append(")\n");
            }
            if (!f.unchecked().isEmpty()) {
                sb.append("  unchecked: ").append(String.join("; ", f.unchecked())).append('\n');
            }
        }
    }

    /** JVM: every deadlock in full, then the thread most others wait for. */
    private static void jvmLocks(StringBuilder sb, JvmLocks locks) {
        for (JvmLocks.Deadlock d : locks.deadlocks()) {
            sb.append("DEADLOCK (").append(d.tids().size()).append(" threads):\n");
            for (JvmLocks.Edge e : d.edges()) {
                sb.append("    \"").append(e.waiterName()).append("\" (tid ").append(e.waiter()).append(") waits for ")
                        .append(e.kind()).append(' ').append(e.lock()).append(" held by \"").append(e.ownerName())
                        .append("\" (tid ").append(e.owner()).append(")\n");
            }
        }
        java.util.Map<Long, Integer> waiters = new java.util.HashMap<>();
        java.util.Map<Long, String> names = new java.util.HashMap<>();
        for (JvmLocks.Edge e : locks.waitFor()) {
            waiters.merge(e.owner(), 1, Integer::sum);
            names.put(e.owner(), e.ownerName());
        }
        waiters.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).ifPresent(top ->
                sb.append("most waited-on: \"").append(names.get(top.getKey())).append("\" (tid ").append(top.getKey())
                        .append(") holds what ").append(top.getValue()).append(top.getValue() == 1 ? " thread waits" : " threads wait")
                        .append(" for; ").append(locks.waitFor().size()).append(" wait-for edges in all\n"));
        if (locks.virtualThreads() > 0) {
            sb.append("virtual threads: ").append(locks.virtualThreads()).append(" (included in the stacks, marked virtual)\n");
        }
    }

    private static String header(StackGroup g) {
        ThreadSnapshot t = g.threads().get(0);
        List<String> parts = new ArrayList<>();
        parts.add(g.count() == 1 ? "1 thread" : g.count() + " threads");
        if (t.main()) {
            parts.add("MAIN");
        }
        if (Boolean.TRUE.equals(t.holdsGil())) {
            parts.add("HOLDS GIL");
        }
        if (t.jvm() != null && t.jvm().deadlocked()) {
            parts.add("DEADLOCKED");
        }
        if (t.jvm() != null && t.jvm().virtual()) {
            parts.add("virtual");
        }
        parts.add(t.state() + (t.syscall() != null && !t.syscall().equals("running") ? " " + t.syscall() : "")
                + (t.wchan() != null ? " in " + t.wchan() : ""));
        if (g.activity() != null) {
            parts.add(g.activity());
        } else if (Boolean.TRUE.equals(t.stuck())) {
            parts.add("stuck");
        }
        parts.add((g.count() == 1 ? "tid " : "tids ") + tids(g.tids()));
        parts.add(names(g.threads()));
        return String.join(" · ", parts);
    }

    /** Consecutive tids as ranges, at most {@link #MAX_TIDS} items. */
    static String tids(List<Long> tids) {
        List<Long> sorted = new ArrayList<>(tids);
        sorted.sort(null);
        List<String> items = new ArrayList<>();
        int i = 0;
        while (i < sorted.size() && items.size() < MAX_TIDS) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            items.add(j > i ? sorted.get(i) + "-" + sorted.get(j) : String.valueOf(sorted.get(i)));
            i = j + 1;
        }
        String s = String.join(",", items);
        return i < sorted.size() ? s + ",+" + (sorted.size() - i) + " more" : s;
    }

    private static String names(List<ThreadSnapshot> threads) {
        Set<String> names = new LinkedHashSet<>();
        for (ThreadSnapshot t : threads) {
            if (t.name() != null) {
                names.add(t.name());
            }
        }
        List<String> shown = new ArrayList<>();
        for (String n : names) {
            if (shown.size() == MAX_NAMES) {
                break;
            }
            shown.add('"' + n + '"');
        }
        return String.join(",", shown) + (names.size() > MAX_NAMES ? ",+" + (names.size() - MAX_NAMES) + " names" : "");
    }
}
