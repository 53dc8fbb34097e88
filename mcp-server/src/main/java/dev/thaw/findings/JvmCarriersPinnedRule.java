package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Virtual threads starved of carriers by pinned ones. A virtual thread that parks where it cannot
 * unmount (inside a class initializer, under a native frame, and on JDK 21-23 inside a synchronized
 * block) parks its carrier with it: the JDK then runs {@code VirtualThread.parkOnCarrierThread}, which
 * the virtual-thread dump shows on its stack on every JDK that has the dump (21+). When, at the same
 * time, virtual threads that were started have no stack at all (never mounted: runnable, waiting for a
 * carrier), the scheduler's carriers are most likely all pinned, and if one of the waiting threads is
 * the one to wake the pinned ones, nothing ever will.
 *
 * <p>The carriers themselves are not in the facts: Thread.print lists a carrier with "Carrying virtual
 * thread #N" and no state, and the scheduler's size is a system property, so "every carrier is pinned"
 * is inferred (never {@code high}) and said.
 */
final class JvmCarriersPinnedRule implements FindingRule {

    private static final String PARK_ON_CARRIER = "VirtualThread.parkOnCarrierThread";

    private static final String IN_CLINIT = "inside the class initializer ";

    /** Threads named, at most; the rest is counted. */
    private static final int SHOWN = 2;

    record Pinning(List<ThreadSnapshot> pinned, List<StackGroup> pinnedGroups, List<ThreadSnapshot> unmounted) {
    }

    @Override
    public List<Finding> apply(Facts facts) {
        Pinning p = pinning(facts);
        return p == null ? List.of() : List.of(finding(facts, p));
    }

    /** The pinned virtual threads and those waiting for a carrier, or null when there are not both (also read by the parked-synchronizer rule). */
    static Pinning pinning(Facts facts) {
        if (!facts.jvm()) {
            return null;
        }
        List<ThreadSnapshot> pinned = new ArrayList<>();
        List<StackGroup> pinnedGroups = new ArrayList<>();
        List<ThreadSnapshot> unmounted = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (t.jvm() == null || !t.jvm().virtual() || !Facts.still(t)) {
                    continue;
                }
                if (parksOnCarrier(g.frames())) {
                    pinned.add(t);
                    if (!pinnedGroups.contains(g)) {
                        pinnedGroups.add(g);
                    }
                } else if (g.frames().isEmpty() && (t.state() == null || "RUNNABLE".equals(t.state()))) {
                    unmounted.add(t); // started, never mounted: runnable, waiting for a carrier
                }
            }
        }
        return pinned.isEmpty() || unmounted.isEmpty() ? null : new Pinning(pinned, pinnedGroups, unmounted);
    }

    private static boolean parksOnCarrier(List<Frame> frames) {
        for (int i = 0; i < frames.size() && i < 4; i++) {
            String f = frames.get(i).function();
            if (f != null && f.endsWith(PARK_ON_CARRIER)) {
                return true;
            }
        }
        return false;
    }

    private static Finding finding(Facts facts, Pinning p) {
        Set<String> sites = new LinkedHashSet<>();
        Set<String> why = new LinkedHashSet<>();
        for (StackGroup g : p.pinnedGroups()) {
            Frame app = JvmStacks.firstApplicationFrame(g.frames());
            if (app != null && sites.size() < 2) {
                sites.add(JvmStacks.short_(app));
            }
            why.add(pinReason(g));
        }
        // several class initializers read as one reason: "inside the class initializers A.<clinit>, B.<clinit>"
        List<String> inits = why.stream().filter(w -> w.startsWith(IN_CLINIT)).map(w -> w.substring(IN_CLINIT.length())).toList();
        if (inits.size() > 1) {
            why.removeIf(w -> w.startsWith(IN_CLINIT));
            why.add("inside the class initializers " + String.join(", ", inits.subList(0, Math.min(3, inits.size())))
                    + (inits.size() > 3 ? " +" + (inits.size() - 3) + " more" : ""));
        }
        boolean noStates = p.pinned().stream().anyMatch(t -> t.state() == null);
        String summary = "Pinned carriers: " + count(p.pinned(), "virtual thread") + " " + names(p.pinned())
                + " park without unmounting (" + PARK_ON_CARRIER + ") at " + String.join(", ", sites) + ", "
                + String.join("; ", why) + ", holding " + (p.pinned().size() == 1 ? "its carrier" : "their carriers")
                + "; " + count(p.unmounted(), "started virtual thread") + " " + names(p.unmounted())
                + (p.unmounted().size() == 1 ? " has" : " have") + " never run (no stack): most likely every carrier is"
                + " pinned, and if one of them is to wake the pinned threads, nothing ever will.";
        List<String> evidence = new ArrayList<>();
        evidence.add("tids " + tids(p.pinned()) + ": " + PARK_ON_CARRIER + " on the stack, " + facts.stillness());
        evidence.add("tids " + tids(p.unmounted()) + ": virtual, " + (noStates ? "no state in the dump" : "RUNNABLE")
                + ", no frames (never mounted)");
        List<String> unchecked = new ArrayList<>();
        unchecked.add("how many carriers the scheduler has (jdk.virtualThreadScheduler.parallelism, default: CPUs)"
                + " and that all are pinned: carriers are not in the threads thaw shows");
        if (noStates) {
            unchecked.add("which monitor or lock pins them: JDK 21's dump has no states or locks");
        }
        List<NextCall> next = List.of(Next.diagnostic(facts.pid(), "jvm.virtual_threads", Map.of("groups", 5, "depth", 12),
                "each virtual thread's state, lock and carrier"));
        return new Finding("carriers_pinned", summary, "medium", evidence,
                "Do not block a virtual thread inside a class initializer, under a native call or (JDK 21-23) inside"
                        + " synchronized: move the wait out, use a ReentrantLock (or JDK 24+, where synchronized does not pin).",
                next, unchecked);
    }

    /** Why the thread cannot unmount, as far as its stack says. */
    private static String pinReason(StackGroup g) {
        for (Frame f : g.frames()) {
            if (f.function() != null && f.function().endsWith(".<clinit>")) {
                String fn = f.function();
                int dot = fn.lastIndexOf('.', fn.length() - ".<clinit>".length() - 1);
                return IN_CLINIT + fn.substring(dot + 1); // the class without its package
            }
        }
        ThreadSnapshot t = g.threads().get(0);
        if (t.locksHeld() != null && !t.locksHeld().isEmpty()) {
            return "holding monitor " + t.locksHeld().get(0) + " (synchronized pins on JDK 21-23)";
        }
        for (int i = 1; i < g.frames().size(); i++) {
            Frame f = g.frames().get(i);
            if (f.file() != null && f.file().contains("Native Method") && !JvmStacks.jdk(f.function())) {
                return "under the native frame " + f.function();
            }
        }
        return "in a synchronized block or native frame the dump does not name";
    }

    private static String count(List<ThreadSnapshot> ts, String what) {
        return ts.size() + " " + what + (ts.size() == 1 ? "" : "s");
    }

    private static String names(List<ThreadSnapshot> ts) {
        Set<String> n = new LinkedHashSet<>();
        ts.stream().limit(SHOWN).forEach(t -> n.add("\"" + (t.name() == null || t.name().isEmpty() ? "#" + t.tid() : t.name()) + "\""));
        return "(" + String.join(", ", n) + (ts.size() > SHOWN ? " +" + (ts.size() - SHOWN) + " more" : "") + ")";
    }

    private static String tids(List<ThreadSnapshot> ts) {
        Set<Long> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (ThreadSnapshot t : ts) {
            if (seen.add(t.tid()) && out.size() < 3) {
                out.add(String.valueOf(t.tid()));
            }
        }
        return String.join(", ", out) + (ts.size() > 3 ? " +" + (ts.size() - 3) + " more" : "");
    }
}
