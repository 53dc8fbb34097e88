package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A class-initialization deadlock: threads that wait for another thread to finish initialising a
 * class look like no other wait in a dump — RUNNABLE, yet "in Object.wait()" with no Object.wait frame,
 * asleep in the kernel — and their innermost frame is the code that touched the class. When two or more
 * such threads are each inside a static initializer ({@code <clinit>}), and none of them moves, each holds
 * its class's initialization while waiting for another's: they never finish, and neither class is ever
 * usable. HotSpot's deadlock detection does not see it (no monitor, no lock).
 */
final class JvmClassInitRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.jvm()) {
            return List.of();
        }
        List<ThreadSnapshot> waiters = new ArrayList<>();
        List<String> sites = new ArrayList<>();
        Set<String> classes = new LinkedHashSet<>();
        java.util.Map<String, String> waitsFor = new java.util.HashMap<>(); // class initialised → class waited for
        boolean named = true;
        for (StackGroup g : facts.groups()) {
            ThreadSnapshot t = g.threads().get(0);
            if (!Activity.blocked(g, facts.oneSample()) || !classInitWait(t, g.frames())) {
                continue;
            }
            String init = initializing(g.frames());
            String awaited = awaitedClass(t);
            named &= awaited != null;
            for (ThreadSnapshot m : g.threads()) {
                waiters.add(m);
                sites.add("\"" + m.name() + "\" at " + JvmStacks.short_(g.frames().get(0))
                        + (init == null ? "" : " (initialising " + simple(init) + ")")
                        + (awaited == null ? "" : " waits for " + simple(awaited)));
            }
            if (init != null) {
                classes.add(init);
                if (awaited != null) {
                    waitsFor.put(init, awaited);
                }
            }
        }
        if (waiters.isEmpty()) {
            return List.of();
        }
        // With the awaited classes named (JDK 21+), a cycle is proven: each initialiser waits for the next.
        boolean cycle = named ? closesCycle(waitsFor) : classes.size() >= 2;
        String summary = cycle
                ? "Class-initialization deadlock: " + String.join("; ", sites) + (named
                        ? ": each holds the initialization of its class while waiting for another's"
                        : ": each waits for a class another of them is initialising")
                        + "; no static initializer of the cycle can finish, so these classes never become usable."
                : waiters.size() + (waiters.size() == 1 ? " thread waits" : " threads wait") + " for another thread to finish"
                        + " initialising a class (" + String.join("; ", sites) + "), and it does not finish.";
        List<String> evidence = new ArrayList<>();
        for (String s : sites.subList(0, Math.min(4, sites.size()))) {
            evidence.add(s + ": RUNNABLE, \"in Object.wait()\" without an Object.wait frame, asleep in futex, " + facts.stillness());
        }
        evidence.add("no monitor or java.util.concurrent lock is involved; HotSpot's deadlock detection does not report it");
        return List.of(new Finding("class_init_deadlock", summary, cycle ? "high" : "medium", evidence,
                "Break the cycle between the static initializers: initialise the shared state in one class (or"
                        + " lazily, in a holder class), and never start threads or wait for other threads inside <clinit>.",
                List.of(Next.diagnostic(facts.pid(), "jvm.deadlocks",
                                "the initialization cycle from inside the JVM: each thread, the class it waits for, the <clinit> it runs"),
                        Next.snapshot(facts.pid(), 5, "the initializers stay where they are")),
                named ? List.of() : List.of("which class each thread waits for (this JDK's dump does not say: JDK 21+"
                        + " prints 'waiting on the Class initialization monitor for')")));
    }

    /** The class a thread waits to see initialised, from the dump's line (JDK 21+), or null. */
    static String awaitedClass(ThreadSnapshot t) {
        String w = t.lockWaitedOn();
        String prefix = "class initialization of ";
        return w != null && w.startsWith(prefix) ? w.substring(prefix.length()) : null;
    }

    /** Whether following "initialises A, waits for B" from some class comes back to it. */
    private static boolean closesCycle(java.util.Map<String, String> waitsFor) {
        for (String start : waitsFor.keySet()) {
            String c = waitsFor.get(start);
            for (int i = 0; c != null && i <= waitsFor.size(); i++) {
                if (c.equals(start)) {
                    return true;
                }
                c = waitsFor.get(c);
            }
        }
        return false;
    }

    /** RUNNABLE, "in Object.wait()" by HotSpot's status, but no Object.wait frame on top: a class-init wait. */
    static boolean classInitWait(ThreadSnapshot t, List<Frame> frames) {
        if (awaitedClass(t) != null) {
            return true;
        }
        return t.jvm() != null && "RUNNABLE".equals(t.state()) && t.jvm().status() != null
                && t.jvm().status().contains("Object.wait") && !frames.isEmpty()
                && frames.get(0).function() != null && !frames.get(0).function().startsWith("java.lang.Object.wait");
    }

    /** The class whose {@code <clinit>} is on the stack (innermost first), or null. */
    static String initializing(List<Frame> frames) {
        for (Frame f : frames) {
            if (f.function() != null && f.function().endsWith(".<clinit>")) {
                return f.function().substring(0, f.function().length() - ".<clinit>".length());
            }
        }
        return null;
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
