package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A JVM that will never finish on its own: it exits only when its last non-daemon thread ends, and
 * every non-daemon application thread waits without a timeout (stuck, or joining one that is) while
 * none runs. If {@code main} is among them, start-up (or the work main does) never completes; if
 * main is gone ({@code DestroyJavaVM} waits), shutdown never completes.
 */
final class JvmNeverFinishesRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.jvm() || !facts.wholeProcess()) {
            return List.of();
        }
        List<String> waiting = new ArrayList<>();
        boolean anyStuck = false;
        boolean mainWaits = false;
        boolean destroy = false;
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                if (t.jvm() == null || t.jvm().daemon() || t.jvm().virtual()) {
                    continue;
                }
                if ("DestroyJavaVM".equals(t.name())) {
                    destroy = true;
                    continue;
                }
                String a = g.activity();
                if (Activity.blocked(g, facts.oneSample())) {
                    anyStuck = true;
                } else if (!(Activity.WAITING.equals(a) && IdleWaits.joinsOthers(g.frames()))
                        && !(Activity.WAITING.equals(a) && "WAITING".equals(t.state()) && Boolean.TRUE.equals(t.stuck()))) {
                    return List.of(); // a non-daemon thread runs, sleeps, waits with a timeout or idles as a pool worker
                }
                mainWaits |= t.main();
                if (waiting.size() < 4) {
                    waiting.add("\"" + t.name() + "\"");
                }
            }
        }
        if (!anyStuck || waiting.isEmpty()) {
            return List.of();
        }
        String phase = mainWaits ? "main never returns, so start-up (or main's work) never completes"
                : destroy ? "main has returned and the JVM waits in DestroyJavaVM for these threads: shutdown never completes"
                : "the JVM exits only when they end";
        return List.of(new Finding("jvm_never_finishes", "Every non-daemon thread (" + String.join(", ", waiting)
                + ") waits without a timeout and none runs: the process will never finish on its own; " + phase + ".",
                "high", List.of("non-daemon threads all stuck or joining stuck ones: " + String.join(", ", waiting)),
                "Fix what the stuck threads wait on (see the other findings); give waits timeouts so start-up and"
                        + " shutdown fail loudly instead of hanging.",
                List.of(Next.snapshot(facts.pid(), 5, "no non-daemon thread moves")),
                List.of()));
    }
}
