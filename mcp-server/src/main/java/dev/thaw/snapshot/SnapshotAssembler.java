package dev.thaw.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one or more samples of every thread's stack into a {@link Snapshot}: marks threads whose
 * stack did not change across samples as stuck, applies the {@code thread} filter, groups threads
 * with identical stacks and state, cuts stacks to {@code max_frames} and ranks the groups, most
 * suspicious first. Runtime-neutral: the JVM engine feeds it too.
 */
public final class SnapshotAssembler {

    private SnapshotAssembler() {
    }

    /** Frames kept from the outermost end when a stack is cut (the entry point says what the thread is for). */
    public static int outermostKept(int maxFrames) {
        return Math.min(5, maxFrames / 4);
    }

    /**
     * @param samples every sample in time order; each lists the threads of one read
     */
    public static Snapshot assemble(int pid, String runtime, String version, String takenAt, SnapshotRequest req,
                                    List<List<ThreadStack>> samples, List<String> notes) {
        List<ThreadStack> last = samples.get(samples.size() - 1);
        List<ThreadStack> marked = markStuck(samples, last);
        List<ThreadStack> shown = new ArrayList<>();
        for (ThreadStack t : marked) {
            if (matches(t.thread(), req.thread())) {
                shown.add(t);
            }
        }
        Map<Key, List<ThreadStack>> groups = new LinkedHashMap<>();
        for (ThreadStack t : shown) {
            groups.computeIfAbsent(Key.of(t), k -> new ArrayList<>()).add(t);
        }
        List<Ranked> ranked = new ArrayList<>();
        for (List<ThreadStack> members : groups.values()) {
            ranked.add(rank(members, samples.size()));
        }
        ranked.sort(Comparator.comparingInt(Ranked::score).reversed()
                .thenComparing(Comparator.comparingInt((Ranked r) -> r.members.size()).reversed())
                .thenComparingLong(r -> r.members.get(0).thread().tid()));
        List<StackGroup> out = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            Ranked r = ranked.get(i);
            List<Frame> frames = r.members.get(0).frames();
            List<Frame> cut = cut(frames, req.maxFrames());
            List<Long> tids = new ArrayList<>(r.members.size());
            List<ThreadSnapshot> threads = new ArrayList<>(r.members.size());
            for (ThreadStack m : r.members) {
                tids.add(m.thread().tid());
                threads.add(m.thread());
            }
            out.add(new StackGroup(i + 1, r.members.size(), List.copyOf(tids), cut, frames.size() - cut.size(),
                    r.why, List.copyOf(threads)));
        }
        List<String> allNotes = new ArrayList<>(notes);
        if (req.thread() != null && shown.isEmpty()) {
            allNotes.add("No thread matches \"" + req.thread() + "\" (by tid or name); " + last.size()
                    + " threads exist.");
        }
        return new Snapshot(pid, runtime, version, takenAt, samples.size(), req.intervalMs(), last.size(), shown.size(),
                req.thread(), req.maxFrames(), List.copyOf(out), List.copyOf(allNotes));
    }

    /** Innermost frames first; when too many, the middle is cut and a few outermost ones kept. */
    static List<Frame> cut(List<Frame> frames, int maxFrames) {
        if (frames.size() <= maxFrames) {
            return frames;
        }
        int tail = outermostKept(maxFrames);
        List<Frame> out = new ArrayList<>(maxFrames);
        out.addAll(frames.subList(0, maxFrames - tail));
        out.addAll(frames.subList(frames.size() - tail, frames.size()));
        return List.copyOf(out);
    }

    private static List<ThreadStack> markStuck(List<List<ThreadStack>> samples, List<ThreadStack> last) {
        if (samples.size() == 1) {
            return last;
        }
        List<Map<Long, List<Frame>>> byTid = new ArrayList<>();
        for (List<ThreadStack> s : samples) {
            Map<Long, List<Frame>> m = new HashMap<>();
            for (ThreadStack t : s) {
                m.put(t.thread().tid(), t.frames());
            }
            byTid.add(m);
        }
        List<ThreadStack> out = new ArrayList<>(last.size());
        for (ThreadStack t : last) {
            boolean same = true;
            for (Map<Long, List<Frame>> m : byTid) {
                if (!t.frames().equals(m.get(t.thread().tid()))) {
                    same = false;
                    break;
                }
            }
            out.add(new ThreadStack(t.thread().withStuck(same), t.frames()));
        }
        return out;
    }

    static boolean matches(ThreadSnapshot t, String filter) {
        if (filter == null) {
            return true;
        }
        String f = filter.trim();
        if (f.chars().allMatch(Character::isDigit)) {
            try {
                if (t.tid() == Long.parseLong(f)) {
                    return true;
                }
            } catch (NumberFormatException ignored) {
                // longer than a long: only a name can match
            }
        }
        return t.name() != null && t.name().toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT));
    }

    private record Ranked(List<ThreadStack> members, int score, List<String> why) {
    }

    private static Ranked rank(List<ThreadStack> members, int samples) {
        ThreadSnapshot t = members.get(0).thread();
        List<String> why = new ArrayList<>();
        int score = 0;
        boolean stuck = Boolean.TRUE.equals(t.stuck());
        boolean timed = WaitClassifier.TIMED_WAIT.equals(t.state());
        boolean lockWait = !timed && (WaitClassifier.LOCK_WAIT.equals(t.state()) || "BLOCKED".equals(t.state())
                || t.lockWaitedOn() != null);
        if (stuck && lockWait) {
            score += 100;
            why.add("waiting on a lock with the same stack in all " + samples + " samples");
        } else if (stuck) {
            score += 20;
            why.add("same stack in all " + samples + " samples" + (timed ? " (a wait with a timeout: it wakes and waits again)" : ""));
        } else if (lockWait) {
            score += 10;
            why.add("waiting on a lock" + (t.syscall() != null ? " (" + t.syscall() + ")" : ""));
        }
        if (t.jvm() != null && t.jvm().deadlocked()) {
            score += 200;
            why.add(0, "in a deadlock (see deadlocks)");
        }
        if (Boolean.TRUE.equals(t.holdsGil())) {
            score += 50;
            boolean blocked = t.syscall() != null && !"running".equals(t.syscall());
            if (blocked) {
                score += 30;
                why.add("holds the GIL while blocked in " + t.syscall() + ": every other Python thread waits");
            } else {
                why.add("holds the GIL");
            }
        }
        if (t.main()) {
            score += 30;
            why.add("main thread");
        }
        if (!members.get(0).frames().isEmpty() && members.get(0).frames().get(0).function() != null
                && members.get(0).frames().get(0).function().endsWith("Thread.join")) {
            // Waiting for other threads to end is a consequence of what those threads wait on.
            score -= 40;
            why.add("joins other threads: look at what they wait on");
        }
        if (members.get(0).frames().isEmpty()) {
            score -= 5;
        }
        if (t.jvm() != null && !t.jvm().deadlocked() && t.jvm().housekeeping()) {
            // Idle by design (they wait on their own queues forever): never ahead of application threads.
            score -= 90;
            why.add("JVM housekeeping thread");
        }
        return new Ranked(members, score, List.copyOf(why));
    }

    /** Threads group together when everything the renderer shows for the group is the same. */
    private record Key(List<Frame> frames, String state, String syscall, boolean main, Boolean holdsGil,
                       Boolean stuck) {
        static Key of(ThreadStack t) {
            ThreadSnapshot s = t.thread();
            return new Key(t.frames(), s.state(), s.syscall(), s.main(), s.holdsGil(), s.stuck());
        }
    }
}
