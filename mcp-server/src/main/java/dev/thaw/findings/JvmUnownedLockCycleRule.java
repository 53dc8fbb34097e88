package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lock-order deadlock the dump cannot prove: two or more threads stuck at the same line of
 * application code, each parked on a different instance of the same exclusive lock class (ReentrantLock,
 * ReentrantReadWriteLock), with no owner known for any of them. The JDK names no owner of a
 * java.util.concurrent lock held by a virtual thread (JDK 25's dump names the lock only), so the wait-for
 * graph has no edge; but one line waiting on different locks of one kind is the shape of a lock taken in
 * argument order ({@code transfer(a, b)} against {@code transfer(b, a)}): each most likely holds the lock
 * the other wants. Threads stuck elsewhere behind them (a pool's semaphore their holders took) are counted.
 */
final class JvmUnownedLockCycleRule implements FindingRule {

    /** Threads named in the summary and evidence, at most; the rest is counted. */
    private static final int SHOWN = 2;

    private static final Set<String> EXCLUSIVE = Set.of("ReentrantLock", "ReentrantReadWriteLock");

    /** A site where several threads wait for different locks of one exclusive kind, none with a known owner. */
    record Suspect(String site, String kind, List<ThreadSnapshot> threads, Set<String> locks, boolean virtual) {
    }

    @Override
    public List<Finding> apply(Facts facts) {
        List<Finding> out = new ArrayList<>();
        for (Suspect s : suspects(facts)) {
            out.add(finding(facts, s));
        }
        return out;
    }

    /** The suspected cycles (also read by the parked-synchronizer rule, which leaves their threads to this one). */
    static List<Suspect> suspects(Facts facts) {
        if (!facts.jvm()) {
            return List.of();
        }
        Set<Long> withOwner = JvmStacks.waitingForAnOwner(facts);
        Map<String, List<ThreadSnapshot>> bySite = new LinkedHashMap<>();
        Map<String, Set<String>> lockOf = new LinkedHashMap<>();
        Map<String, String> kindOf = new LinkedHashMap<>();
        for (StackGroup g : facts.groups()) {
            if (!Activity.blocked(g, facts.oneSample())) {
                continue;
            }
            Frame app = JvmStacks.firstApplicationFrame(g.frames());
            if (app == null || JvmStacks.jdk(app.function())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                String on = JvmStacks.parkedOn(t);
                String kind = on == null ? null : JvmStacks.synchronizer(JvmStacks.lockClass(on));
                if (kind == null || !EXCLUSIVE.contains(kind) || withOwner.contains(t.tid()) || t.owner() != null) {
                    continue;
                }
                String site = kind + " " + JvmStacks.short_(app);
                bySite.computeIfAbsent(site, k -> new ArrayList<>()).add(t);
                lockOf.computeIfAbsent(site, k -> new LinkedHashSet<>()).add(JvmStacks.lockAddress(on));
                kindOf.put(site, kind);
            }
        }
        List<Suspect> out = new ArrayList<>();
        for (Map.Entry<String, List<ThreadSnapshot>> e : bySite.entrySet()) {
            Set<String> distinct = lockOf.get(e.getKey());
            if (e.getValue().size() >= 2 && distinct.size() >= 2) {
                String kind = kindOf.get(e.getKey());
                boolean virtual = e.getValue().stream().allMatch(t -> t.jvm() != null && t.jvm().virtual());
                out.add(new Suspect(e.getKey().substring(kind.length() + 1), kind, e.getValue(), distinct, virtual));
            }
        }
        return out;
    }

    private static Finding finding(Facts facts, Suspect s) {
        Set<Long> mine = new HashSet<>();
        s.threads().forEach(t -> mine.add(t.tid()));
        // Application threads stuck elsewhere: most likely waiting, directly or not, for what these hold.
        int behind = 0;
        Map<String, Integer> behindAt = new LinkedHashMap<>();
        for (StackGroup g : facts.groups()) {
            if (!Activity.blocked(g, facts.oneSample()) || !JvmStacks.application(g)) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                if (!mine.contains(t.tid())) {
                    behind++;
                    String on = JvmStacks.parkedOn(t);
                    String what = (on == null ? "" : JvmStacks.synchronizer(JvmStacks.lockClass(on)) + " at ")
                            + JvmStacks.short_(JvmStacks.firstApplicationFrame(g.frames()));
                    behindAt.merge(what, 1, Integer::sum);
                }
            }
        }
        List<String> names = s.threads().stream().map(t -> "\"" + t.name() + "\"").limit(SHOWN).toList();
        String more = s.threads().size() > SHOWN ? " +" + (s.threads().size() - SHOWN) + " more" : "";
        List<String> evidence = new ArrayList<>();
        for (ThreadSnapshot t : s.threads().subList(0, Math.min(SHOWN, s.threads().size()))) {
            String on = JvmStacks.parkedOn(t);
            evidence.add("tid " + t.tid() + " \"" + t.name() + "\": " + simpleClass(JvmStacks.lockClass(on)) + " "
                    + JvmStacks.lockAddress(on));
        }
        if (!more.isEmpty()) {
            evidence.add(more.trim() + " threads at the same line");
        }
        evidence.add(facts.stillness() + "; no owner known for these " + s.locks().size() + " locks");
        List<String> behindList = behindAt.size() == 1 ? List.of(behindAt.keySet().iterator().next())
                : behindAt.entrySet().stream().limit(2).map(e -> e.getValue() + " on " + e.getKey()).toList();
        List<NextCall> next = new ArrayList<>();
        if (s.virtual()) {
            next.add(Next.diagnostic(facts.pid(), "jvm.virtual_threads", Map.of("groups", 5, "depth", 12),
                    "each virtual thread's lock and its holder"));
        }
        next.add(Next.diagnostic(facts.pid(), "jvm.synchronizers", Map.of("depth", 8),
                "each lock's holder and queued threads"));
        String summary = "Likely lock-order deadlock: " + String.join(", ", names) + more
                + (s.virtual() ? " (virtual threads)" : "") + " stuck at " + s.site() + ", each parked on a different "
                + s.kind() + " (owners not in the dump): taken in argument order, each most likely holds the one"
                + " another waits for"
                + (behind > 0 ? "; " + behind + " more threads wait behind them (" + String.join("; ", behindList) + ")" : "")
                + ".";
        return new Finding("lock_order_suspected", summary, "medium", evidence,
                "Take the locks in one global order (e.g. by id), or tryLock with a timeout; do not hold a pooled"
                        + " resource while waiting for a lock.", next,
                List.of("each lock's owner (not in the dump; the diagnostics read it)"));
    }

    private static String simpleClass(String cls) {
        return cls == null ? "?" : cls.substring(cls.lastIndexOf('.') + 1);
    }
}
