package dev.thaw.findings;

import dev.thaw.snapshot.AsyncLoop;
import dev.thaw.snapshot.AsyncTask;
import dev.thaw.snapshot.Finding;
import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.NextCall;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An await cycle among asyncio tasks: task A awaits B, ..., which awaits A. asyncio refuses only a task
 * awaiting itself; a longer cycle is accepted, never completes and raises nothing, and every task that
 * awaits one of its tasks waits with it. The cycle comes from the awaited-by links the reader takes from
 * each task in memory ({@link AsyncLoop#cycles()}), so it is a fact at any instant, not an inference from
 * stillness: {@code high}, unless a task changed while it was read ({@code medium}, said).
 */
final class AwaitCycleRule implements FindingRule {

    /** Tasks named in a summary, and awaiters listed, at most; the rest is counted. */
    static final int SHOWN = 3;

    private record Located(AsyncTask task, ThreadSnapshot thread) {
    }

    @Override
    public List<Finding> apply(Facts facts) {
        if (!facts.python()) {
            return List.of();
        }
        Map<String, Located> byId = new LinkedHashMap<>();
        List<List<String>> cycles = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StackGroup g : facts.groups()) {
            for (ThreadSnapshot t : g.threads()) {
                AsyncLoop loop = t.asyncio();
                if (loop == null || loop.tasks() == null) {
                    continue;
                }
                loop.tasks().forEach(task -> byId.put(task.id(), new Located(task, t)));
                for (List<String> c : loop.cycles() == null ? List.<List<String>>of() : loop.cycles()) {
                    if (c.size() > 1 && seen.add(String.join(",", c))) {
                        cycles.add(c);
                    }
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (List<String> c : cycles) {
            if (c.stream().allMatch(byId::containsKey)) {
                out.add(finding(facts, c, byId));
            }
        }
        return out;
    }

    private static Finding finding(Facts facts, List<String> cycle, Map<String, Located> byId) {
        List<AsyncTask> tasks = cycle.stream().map(id -> byId.get(id).task()).toList();
        Set<String> inCycle = new HashSet<>(cycle);
        List<String> awaiters = new ArrayList<>();
        for (AsyncTask task : tasks) {
            for (String by : task.awaitedBy()) {
                if (!inCycle.contains(by) && !awaiters.contains(by)) {
                    awaiters.add(by);
                }
            }
        }
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < tasks.size() && i < SHOWN; i++) {
            AsyncTask task = tasks.get(i);
            chain.append(i == 0 ? "task " : ", which awaits ").append('"').append(task.name()).append('"');
            Frame at = PythonStacks.firstApplicationFrame(task.stack());
            if (at != null) {
                chain.append(" at ").append(PythonStacks.short_(at));
            }
        }
        if (tasks.size() > SHOWN) {
            chain.append(", ... (+").append(tasks.size() - SHOWN).append(" more)");
        }
        chain.append(", which awaits \"").append(tasks.get(0).name()).append('"');
        String waiting = awaiters.isEmpty() ? ""
                : "; " + names(awaiters, byId) + (awaiters.size() == 1 ? ", awaiting the cycle, waits" : ", awaiting the cycle, wait")
                + " forever too";
        String summary = "Await cycle: " + chain + ": none of these tasks can ever finish, and asyncio raises nothing"
                + waiting + ".";

        ThreadSnapshot thread = byId.get(cycle.get(0)).thread();
        List<String> evidence = new ArrayList<>();
        for (AsyncTask task : tasks.subList(0, Math.min(SHOWN, tasks.size()))) {
            evidence.add("task \"" + task.name() + "\" " + task.id() + ": pending at "
                    + (task.stack().isEmpty() ? "(not started)" : PythonStacks.short_(task.stack().get(0)))
                    + ", awaited by " + names(task.awaitedBy(), byId));
        }
        if (tasks.size() > SHOWN) {
            evidence.add("+" + (tasks.size() - SHOWN) + " more tasks in the cycle");
        }
        evidence.add("await links read from each task's awaited-by in memory, loop on " + Facts.who(thread));

        boolean complete = tasks.stream().allMatch(AsyncTask::complete);
        List<String> unchecked = complete ? List.of()
                : List.of("a task changed while thaw read it: take another snapshot to see whether the cycle stays");
        List<NextCall> next = List.of(facts.pythonInjectable()
                ? Next.diagnostic(facts.pid(), "py.asyncio_tasks", "every task with what it awaits: the cycle, from inside")
                : Next.snapshot(facts.pid(), 3, "the cycle stays"));
        return new Finding("await_cycle", summary, complete ? "high" : "medium", evidence,
                "Break the cycle: let one task run the dependent steps in order, or hand the result over with a Future"
                        + " or Event the first step sets instead of awaiting the other task; bound awaits with asyncio.timeout().",
                next, unchecked);
    }

    /** {@code "a", "b" (+2 more)}: task names, at most {@link #SHOWN}. */
    private static String names(List<String> ids, Map<String, Located> byId) {
        List<String> shown = new ArrayList<>();
        for (String id : ids.subList(0, Math.min(SHOWN, ids.size()))) {
            Located l = byId.get(id);
            shown.add("\"" + (l == null ? id : l.task().name()) + "\"");
        }
        return String.join(", ", shown) + (ids.size() > SHOWN ? " (+" + (ids.size() - SHOWN) + " more)" : "");
    }
}
