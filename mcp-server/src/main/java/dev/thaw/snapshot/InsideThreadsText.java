package dev.thaw.snapshot;

import java.util.List;

/**
 * The text lines for what runs inside one thread: its asyncio tasks and its greenlets, each with
 * a few frames. Bounded per thread; the structured output keeps everything.
 */
final class InsideThreadsText {

    private static final int MAX_ITEMS = 40;
    private static final int MAX_FRAMES = 6;

    private InsideThreadsText() {
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
        for (List<String> cycle : loop.cycles()) {
            sb.append("      AWAIT CYCLE: ").append(String.join(" -> ", cycle)).append(" -> ").append(cycle.get(0))
                    .append('\n');
        }
        int n = 0;
        for (AsyncTask task : loop.tasks()) {
            if (n++ == MAX_ITEMS) {
                sb.append("      … ").append(loop.tasks().size() - MAX_ITEMS).append(" more tasks\n");
                break;
            }
            sb.append("      task ").append(task.id()).append(" \"").append(task.name()).append('"');
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
        int n = 0;
        for (Greenlet g : gs) {
            if (n++ == MAX_ITEMS) {
                sb.append("      … ").append(gs.size() - MAX_ITEMS).append(" more greenlets\n");
                break;
            }
            sb.append("      ").append(g.state().equals("main") ? "SUSPENDED main greenlet"
                            : g.state().toUpperCase(java.util.Locale.ROOT)).append(' ')
                    .append(g.hub() ? "hub " : "").append(g.id()).append(' ')
                    .append(g.name() != null ? "\"" + g.name() + "\" " : "").append('(').append(g.type()).append(')');
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
