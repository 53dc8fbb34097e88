package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Application threads that are gone: Java thread ids ({@code #N}) are handed out in order as threads
 * are created, so a number missing between the lowest and highest ids of live application threads is
 * a thread created after start-up that has exited (or was never started). Said only while some
 * application thread is stuck: if one of the gone threads was to release what it waits on, it died.
 */
final class JvmExitedThreadsRule implements FindingRule {

    /** Gaps listed at most. */
    static final int SHOWN = 8;

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.jvm() || !facts.wholeProcess()) {
            return List.of();
        }
        TreeSet<Long> live = new TreeSet<>();
        TreeSet<Long> app = new TreeSet<>();
        List<String> stuck = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (t.jvm() == null || t.jvm().virtual()) {
                    continue;
                }
                live.add(t.jvm().javaId());
                if (JvmStacks.application(g) && !t.main()) {
                    app.add(t.jvm().javaId());
                }
                if (Activity.blocked(g, facts.oneSample()) && JvmStacks.application(g) && stuck.size() < 3) {
                    String on = JvmStacks.parkedOn(t) != null ? JvmStacks.parkedOn(t) : t.lockWaitedOn();
                    stuck.add("\"" + t.name() + "\"" + (on == null ? "" : " (on "
                            + JvmStacks.synchronizer(JvmStacks.lockClass(on)) + " " + JvmStacks.lockAddress(on) + ")"));
                }
            }
        }
        if (stuck.isEmpty() || app.size() < 1) {
            return List.of();
        }
        List<Long> gaps = new ArrayList<>();
        long lowest = app.first();
        // Ids below the first application thread belong to start-up; look from there to the newest live thread.
        for (long id = lowest + 1; id < live.last(); id++) {
            if (!live.contains(id)) {
                gaps.add(id);
            }
        }
        if (gaps.isEmpty()) {
            return List.of();
        }
        List<String> shown = gaps.stream().limit(SHOWN).map(id -> "#" + id).toList();
        String list = String.join(", ", shown) + (gaps.size() > SHOWN ? " and " + (gaps.size() - SHOWN) + " more" : "");
        String summary = gaps.size() + (gaps.size() == 1 ? " thread" : " threads") + " created after start-up "
                + (gaps.size() == 1 ? "is" : "are") + " gone (Java thread ids " + list + " missing among the live ones, #"
                + lowest + " to #" + live.last() + "): if one of them was to release what " + String.join(", ", stuck)
                + " waits on, it died.";
        List<String> evidence = List.of("live application thread ids: " + abbreviate(app),
                "missing ids: " + list,
                "stuck application threads: " + String.join(", ", stuck));
        return List.of(new Finding("threads_exited", summary, "medium", evidence,
                "Make every thread that must signal, count down or release do it in a finally block; give threads an"
                        + " UncaughtExceptionHandler that logs, so a dying worker is seen.",
                List.of(Next.diagnostic(facts.pid(), "jvm.threads", "threads that ended, and whether an uncaught-exception handler swallowed their death"),
                        Next.diagnostic(facts.pid(), "jvm.synchronizers", "what the stuck threads wait on and whether anything alive can release it")),
                List.of("why the threads ended (an uncaught exception goes to stderr, not to the dump)",
                        "whether a missing id was a thread that never started (ids are taken when a Thread is created)")));
    }

    private static String abbreviate(TreeSet<Long> ids) {
        List<String> s = ids.stream().limit(12).map(id -> "#" + id).toList();
        return String.join(" ", s) + (ids.size() > 12 ? " …" : "");
    }
}
