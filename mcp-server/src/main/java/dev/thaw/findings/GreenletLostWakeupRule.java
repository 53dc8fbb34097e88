package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.Greenlet;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A possible lost wake-up among greenlets (gevent): on a thread whose hub has the thread ({@code Hub.run}
 * innermost: idle, or turning its loop for timers, so no greenlet runs), greenlets are suspended in
 * application frames. gevent's waits are compiled and leave no frame, so the application line is the
 * call into an Event, AsyncResult, Queue, lock or join; the object and whether it has a timeout are not
 * visible from outside, so the finding names the greenlets and proposes the diagnostic that names the
 * objects. {@code medium} when the main greenlet waits for them to finish, else {@code low}.
 */
final class GreenletLostWakeupRule implements FindingRule {

    static final int SHOWN = LostWakeupRule.SHOWN;

    @Override
    public List<Finding> apply(Facts facts) {
        return facts.python() ? greenlets(facts) : List.of();
    }

    // ---- greenlets -----------------------------------------------------------------------------------

    private static List<Finding> greenlets(Facts facts) {
        List<Finding> out = new ArrayList<>();
        for (StackGroup g : facts.groups()) {
            // the hub has the thread (Hub.run innermost, idle or turning its loop for timers): no greenlet runs
            if (!PythonStacks.idleGeventHub(g.frames())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                if (t.greenlets() == null) {
                    continue;
                }
                List<Greenlet> parked = new ArrayList<>();
                Greenlet joiner = null;
                for (Greenlet gl : t.greenlets()) {
                    if (gl.hub() || gl.frames().isEmpty()) {
                        continue;
                    }
                    if ("main".equals(gl.state())) {
                        joiner = joins(gl.frames()) ? gl : joiner;
                    } else if ("suspended".equals(gl.state()) && PythonStacks.application(gl.frames().get(0))) {
                        parked.add(gl);
                    }
                }
                if (!parked.isEmpty()) {
                    out.add(greenletFinding(facts, g, t, parked, joiner));
                }
            }
        }
        return out;
    }

    private static Finding greenletFinding(Facts facts, StackGroup g, ThreadSnapshot t, List<Greenlet> parked, Greenlet joiner) {
        List<String> who = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (Greenlet gl : parked.subList(0, Math.min(SHOWN, parked.size()))) {
            String name = gl.name() != null ? "\"" + gl.name() + "\"" : gl.type() + " " + gl.id();
            who.add(name + " at " + PythonStacks.short_(gl.frames().get(0)));
            evidence.add("greenlet " + gl.id() + " " + name + " suspended with no gevent frame under its application line");
        }
        evidence.add(Facts.who(t) + ": the hub has the thread, in its loop (" + g.activity() + ", " + facts.stillness() + ")");
        if (joiner != null) {
            evidence.add("the main greenlet waits for greenlets to finish at " + PythonStacks.short_(joiner.frames().get(0))
                    + (joiner.frames().size() > 1 ? " from " + PythonStacks.short_(PythonStacks.firstApplicationFrame(joiner.frames())) : ""));
        }
        List<NextCall> next = new ArrayList<>();
        if (facts.pythonInjectable()) {
            next.add(Next.diagnostic(facts.pid(), "py.gevent_greenlets", Map.of("max_frames", 8),
                    "what each greenlet waits on (the Event, AsyncResult or Queue and its state) and whether anything can set it"));
            next.add(Next.diagnostic(facts.pid(), "py.threads", Map.of("max_threads", 50),
                    "threads that ended, and whether their exceptions were hidden"));
        } else {
            next.add(Next.snapshot(facts.pid(), 5, "the greenlets stay suspended at the same lines"));
        }
        String n = parked.size() == 1 ? "a greenlet" : parked.size() + " greenlets";
        String summary = "Possible lost wake-up: on " + Facts.who(t) + " the gevent hub turns its loop while " + n + " "
                + (parked.size() == 1 ? "is" : "are") + " suspended in application code at a gevent wait ("
                + String.join("; ", who) + (parked.size() > SHOWN ? "; …" : "") + ")"
                + (joiner != null ? " that the main greenlet waits to finish" : "")
                + ": one waiting on an Event or AsyncResult that a thread or greenlet that is gone was to set never"
                + " wakes; one waiting on an empty Queue for work is only idle.";
        return new Finding("lost_wakeup", summary, joiner != null ? "medium" : "low", evidence,
                "Set the result in a finally block (AsyncResult.set_exception on failure), hand blocking work to"
                        + " gevent's threadpool (it propagates exceptions), and wait with a timeout.", next,
                List.of("what each greenlet waits on and whether it has a timeout: gevent's waits are compiled, so the"
                        + " object is not on the stack (py.gevent_greenlets names it and its state)"));
    }

    /** The main greenlet waits for others: a join in gevent (Greenlet.join, joinall, Group/Pool.join, wait). */
    private static boolean joins(List<Frame> frames) {
        for (int i = 0; i < Math.min(frames.size(), 4); i++) {
            String fn = frames.get(i).function();
            if (fn != null && PythonStacks.gevent(frames.get(i)) && (fn.endsWith(".join") || fn.equals("joinall")
                    || fn.endsWith("wait"))) {
                return true;
            }
        }
        return false;
    }
}
