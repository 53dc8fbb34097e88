package dev.thaw.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text lines for what runs inside one thread: its asyncio tasks and its greenlets. Tasks or
 * greenlets doing the same thing (same state and frames) are shown once with a count, the way
 * threads are grouped by stack; each thread's part stays within {@link #MAX_CHARS}. The structured
 * output keeps everything.
 */
public final class InsideThreadsText {

    private static final int MAX_CHARS = 3000;
    private static final int MAX_FRAMES = 6;
    private static final int NAMES_SHOWN = 3;

    private InsideThreadsText() {
    }

    /**
     * The same lines, trimmed, for a structured view: what a model reads of a thread's tasks and
     * greenlets (null when it has none).
     */
    public static List<String> lines(ThreadSnapshot t) {
        StringBuilder sb = new StringBuilder();
        append(sb, t);
        if (sb.length() == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String line : sb.toString().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    static void append(StringBuilder sb, ThreadSnapshot t) {
        if (t.asyncio() != null) {
            tasks(sb, t);
        }
        if (t.greenlets() != null && !t.greenlets().isEmpty()) {
            greenlets(sb, t);
        }
    }

    private static void tasks(StringBuilder sb, ThreadSnapshot t) {
        AsyncLoop loop = t.asyncio();
        sb.append("    asyncio on tid ").append(t.tid()).append(": ").append(loop.tasks().size())
                .append(loop.tasks().size() == 1 ? " task" : " tasks")
                .append(loop.loop() == null ? " (no loop running now)" : " (loop " + loop.loop() + ")")
                .append(loop.complete() ? "" : " — the list kept changing; may be incomplete").append('\n');
        Map<String, AsyncTask> ids = new LinkedHashMap<>();
        loop.tasks().forEach(task -> ids.put(task.id(), task));
        for (List<String> cycle : loop.cycles()) {
            List<String> named = new ArrayList<>();
            cycle.forEach(id -> named.add(ids.containsKey(id) ? "\"" + ids.get(id).name() + "\" " + id : id));
            sb.append("      AWAIT CYCLE (never finishes): ").append(String.join(" awaits ", named)).append(" awaits ")
                    .append(named.get(0)).append('\n');
        }
        Map<List<Object>, List<AsyncTask>> alike = new LinkedHashMap<>();
        for (AsyncTask task : loop.tasks()) {
            List<Object> key = task.running() || !task.awaitedBy().isEmpty() || !task.complete()
                    ? List.of(task.id()) : List.of(task.stack(), String.valueOf(task.awaits()));
            alike.computeIfAbsent(key, k -> new ArrayList<>()).add(task);
        }
        int start = sb.length();
        int shown = 0;
        for (List<AsyncTask> same : alike.values()) {
            if (sb.length() - start > MAX_CHARS) {
                sb.append("      … ").append(loop.tasks().size() - shown).append(" more tasks: see the structured output\n");
                return;
            }
            AsyncTask task = same.get(0);
            shown += same.size();
            sb.append("      task \"").append(task.name()).append("\" ").append(task.id());
            if (same.size() > 1) {
                sb.append(" and ").append(same.size() - 1).append(" more alike (");
                for (int i = 1; i < same.size() && i <= NAMES_SHOWN; i++) {
                    sb.append(i > 1 ? ", " : "").append('"').append(same.get(i).name()).append('"');
                }
                sb.append(same.size() - 1 > NAMES_SHOWN ? ", …)" : ")");
            }
            if (task.running()) {
                sb.append(" RUNNING (its frames are the thread's stack)");
            }
            if (task.awaits() != null) {
                sb.append(" awaits a ").append(task.awaits());
            }
            if (!task.awaitedBy().isEmpty()) {
                sb.append(" · awaited by ").append(String.join(", ", task.awaitedBy()));
            }
            if (!task.complete()) {
                sb.append(" · changed while read");
            }
            sb.append('\n');
            frames(sb, task.stack());
        }
    }

    private static void greenlets(StringBuilder sb, ThreadSnapshot t) {
        List<Greenlet> gs = t.greenlets();
        sb.append("    greenlets on tid ").append(t.tid()).append(": ").append(gs.size()).append('\n');
        Map<List<Object>, List<Greenlet>> alike = new LinkedHashMap<>();
        for (Greenlet g : gs) {
            List<Object> key = g.frames().isEmpty() && !g.state().equals("dead") && !g.state().equals("unstarted")
                    || g.hub() || !g.complete() ? List.of(g.id()) : List.of(g.state(), g.frames(), String.valueOf(g.type()));
            alike.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
        }
        int start = sb.length();
        int shown = 0;
        for (List<Greenlet> same : alike.values()) {
            if (sb.length() - start > MAX_CHARS) {
                sb.append("      … ").append(gs.size() - shown).append(" more greenlets: see the structured output\n");
                return;
            }
            Greenlet g = same.get(0);
            shown += same.size();
            sb.append("      ").append(g.state().equals("main") ? "SUSPENDED main greenlet"
                            : g.state().toUpperCase(Locale.ROOT)).append(' ')
                    .append(g.hub() ? "hub " : "").append(g.id()).append(' ')
                    .append(g.name() != null ? "\"" + g.name() + "\" " : "").append('(').append(g.type()).append(')');
            if (same.size() > 1) {
                sb.append(" and ").append(same.size() - 1).append(" more alike");
                List<String> names = new ArrayList<>();
                for (int i = 1; i < same.size() && names.size() < NAMES_SHOWN; i++) {
                    if (same.get(i).name() != null) {
                        names.add("\"" + same.get(i).name() + "\"");
                    }
                }
                if (!names.isEmpty()) {
                    sb.append(" (").append(String.join(", ", names)).append(same.size() - 1 > names.size() ? ", …)" : ")");
                }
            }
            if (g.state().equals("running")) {
                sb.append(": its frames are the thread's stack");
            }
            if (!g.complete()) {
                sb.append(" · switched while read");
            }
            sb.append('\n');
            frames(sb, g.frames());
        }
    }

    private static void frames(StringBuilder sb, List<Frame> frames) {
        for (int i = 0; i < frames.size() && i < MAX_FRAMES; i++) {
            sb.append("          ").append(frames.get(i).display()).append('\n');
        }
        if (frames.size() > MAX_FRAMES) {
            sb.append("          … ").append(frames.size() - MAX_FRAMES).append(" outer frames\n");
        }
    }
}
