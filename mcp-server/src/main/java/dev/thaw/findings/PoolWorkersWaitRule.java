package dev.thaw.findings;

import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python thread-pool workers blocked on futures: concurrent.futures workers (their stack runs a work
 * item under {@code _worker} of concurrent/futures/thread.py) stuck without a timeout in
 * {@code Future.result}. When every worker of a pool seen does so, no worker is free to run the work
 * those futures wait for if it was submitted to the same pool: self-starvation. Grouped by the pool's
 * thread-name prefix (what {@code thread_name_prefix} gives its workers).
 */
final class PoolWorkersWaitRule implements FindingRule {

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        Map<String, List<StackGroup>> waiting = new LinkedHashMap<>();
        Map<String, Integer> workers = new LinkedHashMap<>();
        for (StackGroup g : facts.groups()) {
            if (!worker(g.frames())) {
                continue;
            }
            for (ThreadSnapshot t : g.threads()) {
                String pool = prefix(t.name());
                workers.merge(pool, 1, Integer::sum);
                if (Activity.blocked(g, facts.oneSample()) && PythonStacks.has(g.frames(), "Future.result")) {
                    waiting.computeIfAbsent(pool, k -> new ArrayList<>()).add(g);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, List<StackGroup>> e : waiting.entrySet()) {
            int n = 0;
            List<String> names = new ArrayList<>();
            List<String> evidence = new ArrayList<>();
            Frame caller = null;
            for (StackGroup g : e.getValue().stream().distinct().toList()) {
                for (ThreadSnapshot t : g.threads()) {
                    if (!prefix(t.name()).equals(e.getKey())) {
                        continue;
                    }
                    n++;
                    if (names.size() < 4) {
                        names.add("\"" + t.name() + "\"");
                    }
                }
                Frame app = PythonStacks.firstApplicationFrame(g.frames());
                caller = caller == null ? app : caller;
                evidence.add(g.count() + " thread(s) at " + PythonStacks.where(g.frames()) + " under Future.result in "
                        + (app == null ? "?" : PythonStacks.short_(app)) + PythonStacks.onObject(g.threads().get(0))
                        + ", " + facts.stillness());
            }
            int all = workers.get(e.getKey());
            boolean every = n == all;
            evidence.add(n + " of the " + all + " workers named " + e.getKey() + "* seen wait on a future");
            List<NextCall> next = new ArrayList<>();
            if (facts.pythonInjectable()) {
                next.add(Next.diagnostic(facts.pid(), "py.thread_pools", "the pool's queue and what each worker runs"));
                next.add(Next.diagnostic(facts.pid(), "py.futures", "what would complete each pending future"));
            } else {
                next.add(Next.snapshot(facts.pid(), 5, "the workers stay in Future.result"));
            }
            String summary = (every ? "Every worker of the thread pool (" + String.join(", ", names) + ") waits"
                    : n + (n == 1 ? " worker" : " workers") + " of the thread pool (" + String.join(", ", names) + ") wait"
                    + (n == 1 ? "s" : "")) + " without a timeout in Future.result"
                    + (caller == null ? "" : " called from " + PythonStacks.short_(caller))
                    + (every ? ": if those futures' work was submitted to the same pool, no worker is left to run it (pool self-starvation)" : "")
                    + ".";
            out.add(new Finding("pool_workers_wait", summary, every ? "medium" : "low", evidence,
                    "Do not wait inside a pool's task for work submitted to the same pool: use a second pool, run"
                            + " the sub-task inline, or chain callbacks instead of result().",
                    next, List.of("which pool each future's work item sits in, and whether it is queued (py.thread_pools reads it)")));
        }
        return out;
    }

    static boolean worker(List<Frame> frames) {
        for (Frame f : frames) {
            if ("_worker".equals(f.function()) && PythonStacks.fileEndsWith(f, "concurrent/futures/thread.py")) {
                return true;
            }
        }
        return false;
    }

    /** {@code render-pool_0} → {@code render-pool}; a name without the executor's {@code _N} suffix stays whole. */
    static String prefix(String name) {
        if (name == null) {
            return "?";
        }
        int u = name.lastIndexOf('_');
        return u > 0 && name.substring(u + 1).chars().allMatch(Character::isDigit) ? name.substring(0, u) : name;
    }
}
