package dev.thaw.agent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * The probe kit for Java probes: the chores every probe repeats, each answering with what it could read
 * and never throwing into the probe (a field that cannot be read shows as {@code ?}). Read-only: no lock
 * of the application is taken, no method of an application object is called except {@code toString}
 * where a description says so (none here does).
 *
 * <pre>
 * Kit kit = Kit.forProbe(MethodHandles.lookup());   // the probe's own access, with the JDK packages opened to it
 * Object b = Kit.blocker(t);                        // what a parked thread waits on (LockSupport.getBlocker)
 * out.println(kit.describe(b));                     // "...Semaphore$NonfairSync@1b6d (permits 0, 2 queued: "w-1", "w-2")"
 * Kit.staticFields("com.acme.");                    // static fields of application classes, with their values
 * Kit.verdict("leaked-permit", "...", evidence, "...", subject); Kit.report(out, "what was checked");
 * </pre>
 * Private fields of JDK classes are read with the probe's own lookup ({@code MethodHandles.privateLookupIn}
 * after {@link Access#open} of the package to the probe): the kit, on the system class path, gains no
 * access of its own, and nothing is opened to the application. On Java 8 plain reflection is used.
 */
public final class Kit {

    public static final String VERSION = "1";
    public static final String MARKER = "@thaw-verdicts ";
    private static final int MAX_CLASSES = 200000;
    private static final List<String[]> VERDICTS = new ArrayList<String[]>();
    private static final List<List<String>> EVIDENCE = new ArrayList<List<String>>();

    private static final String[] JDK_PACKAGES = {"java.lang", "java.util.concurrent", "java.util.concurrent.locks"};

    /** The probe's full-privilege lookup, or null (then plain reflection: Java 8, application classes). */
    private final MethodHandles.Lookup lookup;
    /** MethodHandles.privateLookupIn (JDK 9+), or null. */
    private final Method privateLookupIn;

    private Kit(MethodHandles.Lookup lookup) {
        this.lookup = lookup;
        Method m = null;
        try {
            m = MethodHandles.class.getMethod("privateLookupIn", Class.class, MethodHandles.Lookup.class);
        } catch (NoSuchMethodException e) {
            m = null; // Java 8
        }
        this.privateLookupIn = m;
    }

    /**
     * A kit reading with the probe's access: pass {@code MethodHandles.lookup()} from the probe. Opens
     * java.lang, java.util.concurrent and java.util.concurrent.locks to the probe (see {@link Access}).
     */
    public static Kit forProbe(MethodHandles.Lookup probeLookup) {
        for (String pkg : JDK_PACKAGES) {
            try {
                Access.open(Thread.class, pkg, probeLookup.lookupClass());
            } catch (Throwable e) {
                // fields of that package stay unreadable (null), which every caller handles
            }
        }
        return new Kit(probeLookup);
    }

    // ------------------------------------------------------------------ reflection

    /** The value of a declared field of obj's class or a superclass, or null when absent or unreadable. */
    public Object field(Object obj, String name) {
        if (obj == null) {
            return null;
        }
        for (Class<?> c = obj.getClass(); c != null; c = c.getSuperclass()) {
            Field f;
            try {
                f = c.getDeclaredField(name);
            } catch (Throwable e) {
                continue;
            }
            try {
                MethodHandles.Lookup l = in(c);
                if (l != null) {
                    return l.unreflectGetter(f).invoke(obj);
                }
                f.setAccessible(true);
                return f.get(obj);
            } catch (Throwable e) {
                return null;
            }
        }
        return null;
    }

    /** A no-argument method's result (e.g. AQS's protected getState), or null when absent or it failed. */
    public Object call(Object obj, Class<?> declaring, String method) {
        try {
            Method m = declaring.getDeclaredMethod(method);
            MethodHandles.Lookup l = in(declaring);
            if (l != null) {
                return l.unreflect(m).invoke(obj);
            }
            m.setAccessible(true);
            return m.invoke(obj);
        } catch (Throwable e) {
            return null;
        }
    }

    /** A lookup with private access in c, from the probe's (JDK 9+), or null for plain reflection. */
    private MethodHandles.Lookup in(Class<?> c) {
        if (lookup == null || privateLookupIn == null) {
            return null;
        }
        try {
            return (MethodHandles.Lookup) privateLookupIn.invoke(null, c, lookup);
        } catch (Throwable e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ threads and blockers

    /** What a parked thread waits on ({@code LockSupport.getBlocker}), or null. */
    public static Object blocker(Thread t) {
        try {
            return t == null ? null : LockSupport.getBlocker(t);
        } catch (Throwable e) {
            return null;
        }
    }

    /** The synchronizer a Condition belongs to (a ConditionObject's enclosing AQS), else obj itself. */
    public Object owningSynchronizer(Object obj) {
        if (obj != null && obj.getClass().getName().endsWith("$ConditionObject")) {
            Object outer = field(obj, "this$0");
            return outer != null ? outer : obj;
        }
        return obj;
    }

    /** "name" (#id) of a thread. */
    public static String name(Thread t) {
        return t == null ? "nobody" : "\"" + t.getName() + "\"";
    }

    /** class@identityHash, as Object.toString prints it, without calling an application toString. */
    public static String id(Object o) {
        return o == null ? "null" : o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    // ------------------------------------------------------------------ describe

    /**
     * One line: the type and the state of a well-known synchronizer or future — Semaphore (permits),
     * CountDownLatch (count), ReentrantLock (holds, owner), ReentrantReadWriteLock (read and write
     * holds, owner), any AQS (state, owner, queued threads), a Condition (its lock), FutureTask (state,
     * runner), CompletableFuture (done or not, dependents), Thread; else the class and identity.
     */
    public String describe(Object o) {
        try {
            return describe0(o);
        } catch (Throwable e) {
            return id(o) + " (unreadable: " + e.getClass().getSimpleName() + ")";
        }
    }

    private String describe0(Object o) {
        if (o == null) {
            return "null";
        }
        String cls = o.getClass().getName();
        if (o instanceof Thread) {
            Thread t = (Thread) o;
            return "Thread " + name(t) + " (" + t.getState() + (t.isDaemon() ? ", daemon" : "") + ")";
        }
        if (cls.endsWith("$ConditionObject")) {
            Object outer = owningSynchronizer(o);
            return id(o) + " (a condition of " + (outer == o ? "?" : describe(outer)) + ")";
        }
        if (o instanceof AbstractQueuedSynchronizer) {
            AbstractQueuedSynchronizer aqs = (AbstractQueuedSynchronizer) o;
            Object state = call(aqs, AbstractQueuedSynchronizer.class, "getState");
            Object owner = call(aqs, AbstractOwnableSynchronizer.class, "getExclusiveOwnerThread");
            String queued = queued(aqs);
            String what;
            if (cls.startsWith("java.util.concurrent.Semaphore$")) {
                what = "permits " + state;
            } else if (cls.startsWith("java.util.concurrent.CountDownLatch$")) {
                what = "count " + state;
            } else if (cls.startsWith("java.util.concurrent.locks.ReentrantLock$")) {
                what = "holds " + state + ", owner " + name((Thread) owner);
            } else if (cls.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$") && state instanceof Integer) {
                int s = (Integer) state;
                what = "read holds " + (s >>> 16) + ", write holds " + (s & 0xffff) + ", writer " + name((Thread) owner);
            } else {
                what = "state " + state + (owner != null ? ", owner " + name((Thread) owner) : "");
            }
            return id(o) + " (" + what + ", " + queued + ")";
        }
        if (cls.equals("java.util.concurrent.FutureTask") || o instanceof java.util.concurrent.FutureTask) {
            Object state = field(o, "state");
            Object runner = field(o, "runner");
            return id(o) + " (" + futureTaskState(state) + (runner instanceof Thread ? ", running on "
                    + name((Thread) runner) : "") + ")";
        }
        if (o instanceof java.util.concurrent.CompletableFuture) {
            java.util.concurrent.CompletableFuture<?> f = (java.util.concurrent.CompletableFuture<?>) o;
            return id(o) + " (" + (f.isDone() ? (f.isCompletedExceptionally() ? "completed exceptionally" : "completed")
                    : "not completed, " + f.getNumberOfDependents() + " dependent(s) or waiter(s)") + ")";
        }
        return id(o);
    }

    private static String queued(AbstractQueuedSynchronizer aqs) {
        try {
            Collection<Thread> q = aqs.getQueuedThreads();
            StringBuilder sb = new StringBuilder().append(q.size()).append(" queued");
            int n = 0;
            for (Thread t : q) {
                sb.append(n == 0 ? ": " : ", ").append(name(t));
                if (++n >= 5) {
                    sb.append(", ...");
                    break;
                }
            }
            return sb.toString();
        } catch (Throwable e) {
            return "queue unreadable";
        }
    }

    private static String futureTaskState(Object s) {
        if (!(s instanceof Integer)) {
            return "state ?";
        }
        switch ((Integer) s) {
            case 0: return "not done (NEW)";
            case 1: return "completing";
            case 2: return "done";
            case 3: return "done exceptionally";
            case 4: return "cancelled";
            default: return "interrupted";
        }
    }

    // ------------------------------------------------------------------ classes and static fields

    /**
     * Loaded classes whose name starts with {@code prefix} ("" for all), application classes only
     * (loaded by a class loader other than the bootstrap and platform ones, thaw's own left out).
     */
    public static List<Class<?>> classes(String prefix) {
        List<Class<?>> res = new ArrayList<Class<?>>();
        Instrumentation inst = ThawAgent.instrumentation();
        if (inst == null) {
            return res;
        }
        Class<?>[] all = inst.getAllLoadedClasses();
        ClassLoader platform = ClassLoader.getSystemClassLoader().getParent();
        for (int i = 0; i < all.length && res.size() < MAX_CLASSES; i++) {
            Class<?> c = all[i];
            try {
                ClassLoader l = c.getClassLoader();
                String n = c.getName();
                if (l == null || l == platform || l instanceof ProbeLoader || n.startsWith("dev.thaw.agent.")
                        || c.isArray() || c.isPrimitive() || (prefix != null && !n.startsWith(prefix))) {
                    continue;
                }
                res.add(c);
            } catch (Throwable e) {
                continue;
            }
        }
        return res;
    }

    /** One static field and its value. */
    public static final class StaticField {
        public final Class<?> owner;
        public final String name;
        public final Object value;

        StaticField(Class<?> owner, String name, Object value) {
            this.owner = owner;
            this.name = name;
            this.value = value;
        }

        @Override
        public String toString() {
            return owner.getName() + "." + name + " = " + id(value);
        }
    }

    /** The static fields (with non-null values) of one class; a class not initialized yet is left as is. */
    public static List<StaticField> staticFields(Class<?> c) {
        List<StaticField> res = new ArrayList<StaticField>();
        try {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(null);
                    if (v != null) {
                        res.add(new StaticField(c, f.getName(), v));
                    }
                } catch (Throwable e) {
                    continue;
                }
            }
        } catch (Throwable e) {
            return res;
        }
        return res;
    }

    /** The static fields of every application class whose name starts with {@code prefix}. */
    public static List<StaticField> staticFields(String prefix) {
        List<StaticField> res = new ArrayList<StaticField>();
        for (Class<?> c : classes(prefix)) {
            res.addAll(staticFields(c));
        }
        return res;
    }

    // ------------------------------------------------------------------ disassembly

    /**
     * {@code javap -c -p} of a class, through the JDK's javap tool provider (JDK 9+ with the jdk.jdeps
     * module, i.e. a JDK rather than a JRE), filtered to the methods whose name contains {@code method}
     * (null: all). Answers a one-line reason when the target has no javap.
     */
    public static String disassemble(Class<?> c, String method) {
        try {
            Class<?> tp = Class.forName("java.util.spi.ToolProvider");
            Object opt = tp.getMethod("findFirst", String.class).invoke(null, "javap");
            Object javap = opt.getClass().getMethod("orElse", Object.class).invoke(opt, (Object) null);
            if (javap == null) {
                return "no javap in this JVM (a JRE, or the jdk.jdeps module is absent)";
            }
            java.net.URL where = c.getProtectionDomain() == null || c.getProtectionDomain().getCodeSource() == null
                    ? null : c.getProtectionDomain().getCodeSource().getLocation();
            StringWriter sw = new StringWriter();
            PrintWriter pw = new PrintWriter(sw);
            String[] args = where == null ? new String[]{"-c", "-p", c.getName()}
                    : new String[]{"-c", "-p", "-cp", new java.io.File(where.toURI()).getPath(), c.getName()};
            tp.getMethod("run", PrintWriter.class, PrintWriter.class, String[].class).invoke(javap, pw, pw, (Object) args);
            pw.flush();
            return method == null ? sw.toString() : methods(sw.toString(), method);
        } catch (ClassNotFoundException e) {
            return "no javap tool provider before JDK 9";
        } catch (Throwable e) {
            return "javap failed: " + e;
        }
    }

    private static String methods(String text, String method) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : text.split("\n")) {
            // a member's declaration: indented two spaces, ending with ';' (a static block is "  static {};")
            if (line.startsWith("  ") && !line.startsWith("   ") && line.trim().endsWith(";")) {
                in = line.contains(method);
            }
            if (in) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ verdicts

    /** Records a conclusion; {@link #report} prints them. */
    public static synchronized void verdict(String kind, String conclusion, List<String> evidence, String fix,
                                            String subject) {
        VERDICTS.add(new String[]{kind, conclusion, fix, subject});
        EVIDENCE.add(evidence == null ? new ArrayList<String>() : new ArrayList<String>(evidence));
    }

    /**
     * Prints the recorded verdicts as a "Verdicts:" section and the {@code @thaw-verdicts} JSON line thaw
     * returns as structured verdicts, then forgets them (the agent outlives one probe).
     */
    public static synchronized void report(PrintWriter out, String checked) {
        out.println();
        out.println("Verdicts:");
        if (VERDICTS.isEmpty()) {
            out.println("  none" + (checked == null || checked.isEmpty() ? "" : ": " + checked));
        }
        StringBuilder json = new StringBuilder("{\"version\": 1, \"verdicts\": [");
        for (int i = 0; i < VERDICTS.size(); i++) {
            String[] v = VERDICTS.get(i);
            out.println("  " + v[0].toUpperCase(java.util.Locale.ROOT) + ": " + v[1]);
            for (String e : EVIDENCE.get(i)) {
                out.println("    evidence: " + e);
            }
            if (v[2] != null && !v[2].isEmpty()) {
                out.println("    fix: " + v[2]);
            }
            json.append(i == 0 ? "" : ", ").append("{\"kind\": ").append(str(v[0])).append(", \"conclusion\": ")
                    .append(str(v[1])).append(", \"evidence\": [");
            List<String> ev = EVIDENCE.get(i);
            for (int j = 0; j < ev.size(); j++) {
                json.append(j == 0 ? "" : ", ").append(str(ev.get(j)));
            }
            json.append("], \"fix\": ").append(str(v[2])).append(", \"subject\": ").append(str(v[3])).append('}');
        }
        out.println(MARKER + json.append("]}"));
        VERDICTS.clear();
        EVIDENCE.clear();
    }

    private static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
