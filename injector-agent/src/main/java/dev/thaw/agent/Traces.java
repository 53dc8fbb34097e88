package dev.thaw.agent;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Stack traces as text for status.json, without the agent's own frames (they are noise to the reader). */
final class Traces {

    static final int MAX_CHARS = 64 * 1024;
    static final int MAX_MESSAGE = 4000;

    private Traces() {
    }

    /** {@code Type: message}, bounded. */
    static String describe(Throwable t) {
        String s;
        try {
            s = t.toString();
        } catch (Throwable e) {
            s = t.getClass().getName() + ": <unprintable>";
        }
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }

    /** The trace with its causes, each cut at the first frame of the agent (the probe's caller). */
    static String of(Throwable top) {
        StringBuilder sb = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<Throwable, Boolean>();
        Throwable t = top;
        String prefix = "";
        for (int depth = 0; t != null && depth < 20 && !seen.containsKey(t); depth++) {
            seen.put(t, Boolean.TRUE);
            sb.append(prefix).append(describe(t)).append('\n');
            frames(sb, t.getStackTrace());
            prefix = "Caused by: ";
            t = t.getCause();
        }
        return cap(sb.toString());
    }

    /** A thread's current stack (for a probe abandoned after its timeout). */
    static String ofThread(Thread thread) {
        StringBuilder sb = new StringBuilder();
        sb.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
        frames(sb, thread.getStackTrace());
        return cap(sb.toString());
    }

    private static void frames(StringBuilder sb, StackTraceElement[] frames) {
        List<StackTraceElement> kept = new ArrayList<StackTraceElement>();
        for (StackTraceElement f : frames) {
            if (f.getClassName().startsWith("dev.thaw.agent.")) {
                break;
            }
            kept.add(f);
        }
        for (StackTraceElement f : kept) {
            sb.append("\tat ").append(f).append('\n');
        }
    }

    private static String cap(String s) {
        return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS / 2) + "\n...\n" + s.substring(s.length() - MAX_CHARS / 2);
    }
}
