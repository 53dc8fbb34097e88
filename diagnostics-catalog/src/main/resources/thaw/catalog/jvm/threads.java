// thaw-diagnostic
// {
//   "id": "jvm.threads",
//   "runtime": "hotspot",
//   "title": "Threads that are gone, and the handlers of uncaught exceptions",
//   "question": "How many threads started and ended, which ended ones does the application still reference, which uncaught-exception handlers are installed (default, per thread, thread groups), and does any of them swallow the exception that killed a thread?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "prefix": {"type": "string", "default": "", "description": "application classes whose static fields are searched for Thread objects (name prefix; empty: all)"},
//       "max_threads": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 50, "description": "threads listed"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "ThreadMXBean counters, Thread.getAllStackTraces(), the static fields of the application's loaded classes, and per distinct handler class one javap run inside the target (a JDK's jdk.jdeps module; tens of ms, none on a JRE)"
// }
// A thread that dies of an exception leaves a trace only through its uncaught-exception handler: the
// thread's own, else its ThreadGroup's uncaughtException (which defers to the default handler, and
// prints the stack trace when there is none). A handler that neither logs nor rethrows makes the death
// silent; a latch it should have counted down, a future it should have completed, stay as they are.
// A handler "swallows" when the bytecode of its uncaughtException (for a lambda: the synthetic method
// it was compiled to, found by its (Thread, Throwable) signature; with several such lambdas in one class,
// only when none calls anything) calls nothing at all.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Threads implements Probe {

    private final Map<Class<?>, String> swallows = new LinkedHashMap<Class<?>, String>();
    /** Why handlers could not be judged (no javap in this JVM), or null. */
    private String noJavap;

    @Override
    public void run(Map<String, String> params, PrintWriter out) {
        int max = Integer.parseInt(params.get("max_threads"));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long started = mx.getTotalStartedThreadCount();
        int live = mx.getThreadCount();
        out.println(started + " threads started in this JVM, " + live + " live now (peak " + mx.getPeakThreadCount()
                + "): " + (started - live) + " ended (JVM-internal ones included)");

        // ended threads the application still references
        List<String> ended = new ArrayList<String>();
        Map<Object, Boolean> seen = new IdentityHashMap<Object, Boolean>();
        for (Kit.StaticField f : Kit.staticFields(params.get("prefix"))) {
            for (Object v : elements(f.value)) {
                if (v instanceof Thread && ((Thread) v).getState() == Thread.State.TERMINATED && seen.put(v, true) == null) {
                    ended.add(Kit.name((Thread) v) + " (TERMINATED), held by " + f.owner.getName() + "." + f.name);
                }
            }
        }
        out.println();
        out.println(ended.size() + " ended thread(s) still referenced from static fields of application classes"
                + (ended.isEmpty() ? "" : ":"));
        for (int i = 0; i < Math.min(max, ended.size()); i++) {
            out.println("  " + ended.get(i));
        }

        // handlers
        out.println();
        Thread.UncaughtExceptionHandler def = Thread.getDefaultUncaughtExceptionHandler();
        out.println("default uncaught-exception handler: " + (def == null ? "none (ThreadGroup prints the stack trace)"
                : handler(def)));
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        int listed = 0;
        for (Thread t : all.keySet()) {
            Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
            ThreadGroup g = t.getThreadGroup();
            if (h == null || h == g && (g == null || g.getClass() == ThreadGroup.class)
                    || h.getClass().getName().startsWith("dev.thaw.agent.")) {
                continue; // no handler of its own, or thaw's own threads (their handler keeps the target quiet)
            }
            if (listed++ < max) {
                out.println("  " + Kit.name(t) + ": " + (h == g ? "its ThreadGroup " : "") + handler(h));
            }
        }
        if (listed == 0) {
            out.println("no thread has a handler of its own or a ThreadGroup subclass");
        }
        if (def != null) {
            handler(def);
        }
        for (Map.Entry<Class<?>, String> e : swallows.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            List<String> ev = new ArrayList<String>();
            ev.add(e.getValue());
            ev.add(def != null && def.getClass() == e.getKey() ? "it is the default handler: every thread without its "
                    + "own handler dies silently" : "installed on a thread or its group (listed above)");
            if (started - live > 0) {
                ev.add((started - live) + " thread(s) have ended in this JVM; which died of an exception cannot be told "
                        + "after the fact");
            }
            Kit.verdict("swallowed-exception", "the uncaught-exception handler " + e.getKey().getName()
                    + " neither logs nor rethrows: a thread that dies of an exception leaves no trace", ev,
                    "log the throwable in the handler (or remove it, so the ThreadGroup prints the stack trace)",
                    e.getKey().getName());
        }
        Kit.report(out, "no installed uncaught-exception handler swallows");
    }

    private String handler(Thread.UncaughtExceptionHandler h) {
        Class<?> c = h.getClass();
        if (!swallows.containsKey(c)) {
            swallows.put(c, swallowing(c));
        }
        String s = swallows.get(c);
        return c.getName() + (s != null ? "  SWALLOWS: " + s : noJavap != null && c.getClassLoader() != null
                ? "  (not judged: this JVM has no javap: " + noJavap + ")" : "");
    }

    /** Why the handler swallows (its method calls nothing), or null when it calls something or is unknown. */
    private String swallowing(Class<?> c) {
        String name = c.getName();
        Class<?> where = c;
        String method = "uncaughtException";
        int lambda = name.indexOf("$$Lambda");
        if (lambda > 0) {
            try {
                where = Class.forName(name.substring(0, lambda), false, c.getClassLoader());
                method = "lambda$";
            } catch (Throwable e) {
                return null;
            }
        }
        if (where.getClassLoader() == null || where.getName().startsWith("java.") || where.getName().startsWith("jdk.")) {
            return null; // the JDK's own (a virtual-thread carrier's handler is a JDK lambda)
        }
        // a lambda's method is lambda$<enclosing>$<n>: all methods, then those taking (Thread, Throwable)
        String code = Kit.disassemble(where, lambda > 0 ? null : method);
        if (code.startsWith("no javap") || code.startsWith("javap failed")) {
            noJavap = code;
            return null;
        }
        // the methods javap printed: for a lambda, only those taking (Thread, Throwable)
        String body = null;
        StringBuilder cur = null;
        boolean take = false;
        for (String line : code.split("\n")) {
            // a member's declaration: indented two spaces, ending with ';' (a static block is "  static {};")
            if (line.startsWith("  ") && !line.startsWith("   ") && line.trim().endsWith(";")) {
                if (take && cur != null) {
                    body = body == null ? cur.toString() : body + cur;
                }
                take = line.contains("(java.lang.Thread, java.lang.Throwable)");
                cur = new StringBuilder();
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (take && cur != null) {
            body = body == null ? cur.toString() : body + cur;
        }
        if (body == null || !body.contains("Code:")) {
            return null;
        }
        if (body.contains("invoke") || body.contains("athrow")) {
            return null;
        }
        return "the bytecode of " + where.getSimpleName() + "." + (lambda > 0 ? "<lambda>" : method)
                + "(Thread, Throwable) calls nothing and throws nothing (javap -c)";
    }

    /** The items of a collection, array or map held in a field (read with the application running on: a
     *  collection changed meanwhile is read as far as it could be). */
    private static Collection<Object> elements(Object v) {
        List<Object> res = new ArrayList<Object>();
        try {
            addElements(v, res);
        } catch (RuntimeException e) {
            // a concurrent modification: what was read so far
        }
        return res;
    }

    private static void addElements(Object v, List<Object> res) {
        if (v instanceof Collection) {
            int n = 0;
            for (Object o : (Collection<?>) v) {
                res.add(o);
                if (++n >= 10000) {
                    break;
                }
            }
        } else if (v instanceof Object[]) {
            Object[] a = (Object[]) v;
            for (int i = 0; i < a.length && i < 10000; i++) {
                res.add(a[i]);
            }
        } else if (v instanceof Map) {
            addElements(((Map<?, ?>) v).values(), res);
        } else {
            res.add(v);
        }
    }
}
