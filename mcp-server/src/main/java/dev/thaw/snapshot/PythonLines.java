package dev.thaw.snapshot;

import java.util.ArrayList;
import java.util.List;

/** The text lines of what a CPython snapshot read beyond the stacks (part of {@link SnapshotRenderer}). */
final class PythonLines {

    private static final int MAX_WAIT_THREADS = 4;

    private PythonLines() {
    }

    static void modules(StringBuilder sb, PythonProcessDetail p) {
        LoadedModules m = p.modules();
        sb.append("loaded: ").append(m.notable().isEmpty() ? "no notable frameworks" : String.join(", ", m.notable()))
                .append(" (").append(m.total()).append(" modules)");
        if (m.geventPatched() != null) {
            sb.append("; gevent monkey-patched: ")
                    .append(m.geventPatched().isEmpty() ? "nothing" : String.join(", ", m.geventPatched()));
        }
        sb.append('\n');
        if (m.note() != null) {
            sb.append("note: ").append(m.note()).append('\n');
        }
        if (p.pausedMs() != null) {
            sb.append(String.format(java.util.Locale.ROOT, "paused the target %.2f ms for a consistent read%n", p.pausedMs()));
        }
        if (p.pauseNote() != null) {
            sb.append("note: ").append(p.pauseNote()).append('\n');
        }
    }

    /** Python names (when they add to the OS names) and, per thread, what it waits on. */
    static void threads(StringBuilder sb, StackGroup g) {
        List<String> names = new ArrayList<>();
        for (ThreadSnapshot t : g.threads()) {
            PythonThreadDetail p = t.python();
            if (p != null && p.name() != null && !p.name().equals(t.name()) && names.size() < 6) {
                names.add(p.name());
            }
        }
        if (!names.isEmpty()) {
            sb.append("    python name").append(names.size() > 1 ? "s: " : ": ").append(String.join(", ", names)).append('\n');
        }
        // Objects every thread of the group waits through are said once (two threads on one Condition);
        // what differs (each thread's own waiter lock) follows per thread, for a few threads.
        java.util.Set<String> common = null;
        for (ThreadSnapshot t : g.threads()) {
            java.util.Set<String> mine = new java.util.HashSet<>();
            if (t.python() != null && t.python().waitsOn() != null) {
                t.python().waitsOn().forEach(w -> mine.add(w.address()));
            }
            if (common == null) {
                common = mine;
            } else {
                common.retainAll(mine);
            }
        }
        if (g.count() > 1 && common != null && !common.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (WaitedObject w : g.threads().get(0).python().waitsOn()) {
                if (common.contains(w.address())) {
                    parts.add(object(w));
                }
            }
            sb.append("    all ").append(g.count()).append(" wait through ").append(String.join("; ", parts)).append('\n');
        }
        int shown = 0;
        for (ThreadSnapshot t : g.threads()) {
            PythonThreadDetail p = t.python();
            if (p == null) {
                continue;
            }
            if (p.observation() != null) {
                sb.append("    ! ").append(p.observation()).append('\n');
            }
            if (p.waitsOn() == null || p.waitsOn().isEmpty() || shown == MAX_WAIT_THREADS) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (WaitedObject w : p.waitsOn()) {
                if (g.count() == 1 || !common.contains(w.address())) {
                    parts.add(object(w));
                }
            }
            if (parts.isEmpty()) {
                continue;
            }
            shown++;
            sb.append("    ").append(g.count() > 1 ? "tid " + t.tid() + " " : "").append("blocked on ")
                    .append(String.join("; through ", parts)).append('\n');
        }
    }

    private static String object(WaitedObject w) {
        return WaitedObjectText.of(w);
    }

    static void source(StringBuilder sb, Frame f) {
        FrameSource s = f.source();
        if (s == null) {
            return;
        }
        if (s.context() != null && s.firstLine() != null) {
            for (int i = 0; i < s.context().size(); i++) {
                int n = s.firstLine() + i;
                sb.append(n == (f.line() == null ? -1 : f.line()) ? "      > " : "        ").append(n).append(": ")
                        .append(s.context().get(i)).append('\n');
            }
        } else if (s.line() != null) {
            sb.append("        ").append(s.line().strip()).append('\n');
        }
        // a missing source is worth a line for a real file (deleted since), not for <frozen ...> or <string>
        boolean realFile = f.file() != null && f.file().startsWith("/");
        if (!FrameSource.OK.equals(s.status()) && s.reason() != null && (realFile || !FrameSource.MISSING.equals(s.status()))) {
            sb.append("        (source ").append(s.status()).append(": ").append(s.reason()).append(")\n");
        }
    }

    /** A one-thread group's locals under their frame. */
    static void locals(StringBuilder sb, StackGroup g, int frame) {
        if (g.count() != 1 || g.threads().get(0).python() == null || g.threads().get(0).python().locals() == null) {
            return;
        }
        for (FrameLocals fl : g.threads().get(0).python().locals()) {
            if (fl.frame() != frame) {
                continue;
            }
            if (fl.note() != null) {
                sb.append("        (locals: ").append(fl.note()).append(")\n");
            }
            List<String> vars = new ArrayList<>();
            for (LocalValue v : fl.locals()) {
                vars.add(v.name() + "=" + v.value());
            }
            if (!vars.isEmpty()) {
                sb.append("        locals: ").append(String.join(", ", vars)).append(fl.truncated() ? ", …" : "").append('\n');
            }
        }
    }
}
