// thaw-diagnostic
// {
//   "id": "jvm.virtual_threads",
//   "runtime": "hotspot",
//   "title": "Virtual threads: how many, where they wait, in which executors",
//   "question": "How many virtual threads are there, grouped by identical stack: what does each group wait in and on which lock or queue, which carriers are pinned, and which thread containers (executors) hold them?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "groups": {"type": "integer", "minimum": 1, "maximum": 200, "default": 10, "description": "stack groups to show, largest first"},
//       "depth": {"type": "integer", "minimum": 1, "maximum": 100, "default": 8, "description": "frames per group"},
//       "containers": {"type": "integer", "minimum": 1, "maximum": 500, "default": 15, "description": "thread containers to list"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "requires": "JDK 21+",
//   "cost": "HotSpotDiagnosticMXBean.dumpThreads: every thread's stack, one at a time (no global pause), written as JSON (about 1.6 KB per thread) to a fresh private directory in java.io.tmpdir, read back streaming and deleted at once",
//   "timeout_s": 60
// }
// Thread.getAllStackTraces and jstack leave virtual threads out; HotSpotDiagnosticMXBean.dumpThreads
// (JDK 21+, reached through reflection so that this compiles for any release) writes them all, per thread
// container: the root, each ExecutorService of newVirtualThreadPerTaskExecutor, each StructuredTaskScope.
// JDK 25's dump also says each thread's state, what it is parked on (and its owner), the monitor it
// blocks on or waits in, and the carrier of a mounted virtual thread: a virtual thread that waits while
// mounted pins its carrier. On older JDKs those are inferred from the stack or said to be unknown.
// The JSON is parsed as a stream (thread by thread), so a million threads need no more memory than one.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

public class VirtualThreads implements Probe {

    private static final int MAX_VERDICTS = 20;
    private int depth;
    private final Set<Long> platformIds = new HashSet<Long>();
    private final Map<Long, String> platformNames = new HashMap<Long, String>();
    private final Map<String, Group> groups = new HashMap<String, Group>();
    private final Map<String, int[]> containers = new LinkedHashMap<String, int[]>(); // [virtual, platform]
    private final Map<String, String> containerParent = new HashMap<String, String>();
    private String currentContainer = "?";
    private long virtual;
    private long platform;
    private long mounted;
    private boolean hasState;
    private final List<String> pinned = new ArrayList<String>();
    /** Virtual threads mounted while waiting without a timeout: {what, why it pins}, for the verdicts. */
    private final List<String[]> pinnedForGood = new ArrayList<String[]>();
    private final List<String> monitorsHeld = new ArrayList<String>();

    /** Virtual threads with the same top frames. */
    static final class Group {
        final List<String> frames;
        int above;
        String waitsIn;
        long count;
        final List<String> names = new ArrayList<String>();
        final Map<String, Integer> states = new TreeMap<String, Integer>();
        final Map<String, Integer> blockers = new LinkedHashMap<String, Integer>();
        final Map<String, Integer> containers = new LinkedHashMap<String, Integer>();

        Group(List<String> frames) {
            this.frames = frames;
        }
    }

    @Override
    public void run(Map<String, String> params, PrintWriter out) throws Exception {
        int maxGroups = intParam(params, "groups", 10);
        depth = intParam(params, "depth", 8);
        int maxContainers = intParam(params, "containers", 15);
        String version = System.getProperty("java.specification.version");
        Method isVirtual = null;
        try {
            isVirtual = Thread.class.getMethod("isVirtual");
        } catch (NoSuchMethodException e) {
            // before JDK 19
        }
        Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
        Class<?> format = null;
        try {
            format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
        } catch (ClassNotFoundException e) {
            // before JDK 19
        }
        if (isVirtual == null || format == null) {
            out.println("Virtual threads do not exist in Java " + version + " (they came in JDK 21): nothing to show."
                    + " Use jvm.deadlocks, jvm.executors or a snapshot for platform threads.");
            Kit.report(out, "no virtual threads in Java " + version);
            return;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) { // platform threads only
            platformIds.add(t.getId());
            platformNames.put(t.getId(), t.getName());
        }

        Path dir = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "thaw-vthreads-");
        Path file = dir.resolve("threads.json");
        long t0 = System.nanoTime();
        try {
            Object mx = ManagementFactory.getPlatformMXBean(bean.asSubclass(java.lang.management.PlatformManagedObject.class));
            Object json = null;
            for (Object c : format.getEnumConstants()) {
                if (c.toString().equals("JSON")) {
                    json = c;
                }
            }
            bean.getMethod("dumpThreads", String.class, format).invoke(mx, file.toAbsolutePath().toString(), json);
            // Platform threads started while the dump was taken (this probe's own watchdog, say) are
            // platform threads too: a dump without the "virtual" field is told apart by these ids.
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                platformIds.add(t.getId());
                if (!platformNames.containsKey(t.getId())) {
                    platformNames.put(t.getId(), t.getName());
                }
            }
            long size = Files.size(file);
            Reader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), Charset.forName("UTF-8")), 1 << 16);
            try {
                new JsonStream(in).value(null);
            } finally {
                in.close();
            }
            long ms = (System.nanoTime() - t0) / 1000000;
            out.println(virtual + " virtual threads (" + platform + " platform threads beside them), dumped in " + ms
                    + " ms (" + (size / 1024) + " KiB of JSON, deleted).");
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        if (virtual == 0) {
            Kit.report(out, "no virtual threads");
            return;
        }

        List<Group> sorted = new ArrayList<Group>(groups.values());
        Collections.sort(sorted, new Comparator<Group>() {
            @Override
            public int compare(Group a, Group b) {
                return Long.compare(b.count, a.count);
            }
        });
        Map<String, String> owners = null;
        out.println();
        out.println(sorted.size() + (sorted.size() == 1 ? " group" : " groups") + " of identical stacks (down to "
                + depth + " frames around the first application frame), largest first:");
        int shown = 0;
        for (Group g : sorted) {
            if (shown++ >= maxGroups) {
                long rest = 0;
                for (int i = maxGroups; i < sorted.size(); i++) {
                    rest += sorted.get(i).count;
                }
                out.println("... " + (sorted.size() - maxGroups) + " more groups with " + rest + " virtual threads"
                        + " (raise groups)");
                break;
            }
            out.println();
            out.println(g.count + (g.count == 1 ? " virtual thread" : " virtual threads") + (g.states.isEmpty() ? "" : " " + g.states) + ", e.g. "
                    + names(g) + g.waitsIn);
            for (Map.Entry<String, Integer> b : g.blockers.entrySet()) {
                String what = b.getKey();
                if (what.startsWith("parked on ") && !what.contains("owned by")) {
                    if (owners == null) {
                        owners = platformOwners();
                    }
                    String obj = what.substring("parked on ".length());
                    if (owners.containsKey(obj)) {
                        what += " (held by platform thread \"" + owners.get(obj) + "\")";
                    }
                }
                out.println("  " + what + (b.getValue() == g.count ? "" : " (" + b.getValue() + " of them)"));
            }
            if (!g.containers.isEmpty()) {
                out.println("  in " + g.containers);
            }
            if (g.above > 0) {
                out.println("    (" + g.above + " frames of JDK machinery above)");
            }
            for (String f : g.frames) {
                out.println("    at " + f);
            }
        }

        out.println();
        out.println("Thread containers holding virtual threads:");
        List<Map.Entry<String, int[]>> cs = new ArrayList<Map.Entry<String, int[]>>(containers.entrySet());
        Collections.sort(cs, new Comparator<Map.Entry<String, int[]>>() {
            @Override
            public int compare(Map.Entry<String, int[]> a, Map.Entry<String, int[]> b) {
                return b.getValue()[0] - a.getValue()[0];
            }
        });
        int c = 0;
        for (Map.Entry<String, int[]> e : cs) {
            if (e.getValue()[0] == 0) {
                continue;
            }
            if (c++ >= maxContainers) {
                out.println("  ... more containers (raise containers)");
                break;
            }
            String parent = containerParent.get(e.getKey());
            out.println("  " + e.getKey() + ": " + e.getValue()[0] + " virtual threads"
                    + (e.getKey().equals("<root>") ? " (started directly, by no executor)"
                    : parent != null && !parent.equals("<root>") ? " (inside " + parent + ")" : ""));
        }

        out.println();
        if (!hasState) {
            out.println("Carriers and pinning: not in this JDK's thread dump (newer ones, e.g. JDK 25, add state, lock and carrier);"
                    + " blocking is inferred from the stacks above.");
        } else {
            out.println("Carriers: " + mounted + (mounted == 1 ? " virtual thread" : " virtual threads") + " mounted"
                    + (pinned.isEmpty()
                    ? ", none of them waiting (no pinned carrier)."
                    : "; " + pinned.size() + " wait while mounted, PINNING their carrier (it cannot run other virtual"
                    + " threads):"));
            for (int i = 0; i < pinned.size() && i < 20; i++) {
                out.println("  " + pinned.get(i));
            }
            if (!monitorsHeld.isEmpty()) {
                out.println("Monitors held by virtual threads: " + monitorsHeld.size() + ", e.g. "
                        + monitorsHeld.subList(0, Math.min(5, monitorsHeld.size())));
            }
        }
        verdicts();
        Kit.report(out, hasState ? virtual + " virtual threads: none waits without a timeout while mounted (pinned)"
                : "this JDK's thread dump has no carrier, so pinning cannot be told");
    }

    // ---- one thread of the dump ----

    @SuppressWarnings("unchecked")
    private void onThread(Map<String, Object> t) {
        long tid = parseLong(t.get("tid"));
        Object v = t.get("virtual");
        boolean isVirtual = v != null ? Boolean.TRUE.equals(v) : !platformIds.contains(tid);
        int[] counts = containers.get(currentContainer);
        if (counts == null) {
            counts = new int[2];
            containers.put(currentContainer, counts);
        }
        if (!isVirtual) {
            platform++;
            counts[1]++;
            return;
        }
        virtual++;
        counts[0]++;
        List<String> all = new ArrayList<String>();
        Object stack = t.get("stack");
        if (stack instanceof List) {
            for (Object f : (List<Object>) stack) {
                all.add(frame(String.valueOf(f)));
            }
        }
        // The frames that say something: from two above the first application frame (the JDK call it waits
        // in), depth of them; a virtual thread parks under 6-10 frames of JDK machinery.
        int app = firstApplicationFrame(all);
        int from = app < 0 ? 0 : Math.max(0, app - 2);
        int to = Math.min(all.size(), from + depth);
        String key = String.valueOf(all.subList(0, to));
        Group g = groups.get(key);
        if (g == null) {
            g = new Group(new ArrayList<String>(all.subList(from, to)));
            g.above = from;
            g.waitsIn = waitsIn(all, app);
            groups.put(key, g);
        }
        List<String> frames = g.frames;
        g.count++;
        String name = t.get("name") == null ? "" : String.valueOf(t.get("name"));
        if (g.names.size() < 5) {
            g.names.add(name.isEmpty() ? "#" + tid : "\"" + name + "\"");
        }
        Object state = t.get("state");
        if (state != null) {
            hasState = true;
            bump(g.states, String.valueOf(state));
        }
        String blocker = null;
        if (t.get("parkBlocker") instanceof Map) {
            Map<String, Object> pb = (Map<String, Object>) t.get("parkBlocker");
            Object owner = pb.get("owner");
            blocker = "parked on " + pb.get("object") + (owner == null ? "" : " owned by " + ownerName(owner));
        } else if (t.get("blockedOn") != null) {
            blocker = "blocked entering monitor " + t.get("blockedOn");
        } else if (t.get("waitingOn") != null) {
            blocker = "in Object.wait() on " + t.get("waitingOn");
        }
        if (blocker != null && (g.blockers.containsKey(blocker) || g.blockers.size() < 5)) {
            bump(g.blockers, blocker);
        }
        if (g.containers.containsKey(currentContainer) || g.containers.size() < 5) {
            bump(g.containers, currentContainer);
        }
        if (t.get("carrier") != null) {
            mounted++;
            String s = String.valueOf(state);
            if (s.equals("WAITING") || s.equals("TIMED_WAITING") || s.equals("BLOCKED")) {
                String line = (name.isEmpty() ? "#" + tid : "\"" + name + "\"") + " " + s + " on carrier "
                        + ownerName(t.get("carrier")) + (all.isEmpty() ? "" : " at " + all.get(app < 0 ? 0 : app));
                pinned.add(line);
                if (!s.equals("TIMED_WAITING") && pinnedForGood.size() < MAX_VERDICTS) {
                    pinnedForGood.add(new String[] {line, whyPinned(all, t.get("monitorsOwned") instanceof List
                            && !((List<Object>) t.get("monitorsOwned")).isEmpty()), name.isEmpty() ? "#" + tid : "\"" + name + "\""});
                }
            }
        }
        if (t.get("monitorsOwned") instanceof List && monitorsHeld.size() < 100) {
            for (Object m : (List<Object>) t.get("monitorsOwned")) {
                if (m instanceof Map && ((Map<String, Object>) m).get("locks") instanceof List) {
                    for (Object l : (List<Object>) ((Map<String, Object>) m).get("locks")) {
                        monitorsHeld.add(l + " by " + (name.isEmpty() ? "#" + tid : "\"" + name + "\""));
                    }
                }
            }
        }
    }

    /** What keeps a waiting virtual thread mounted, as far as its stack and the dump tell. */
    private static String whyPinned(List<String> frames, boolean holdsMonitor) {
        for (String f : frames) {
            if (f.contains(".<clinit>(")) {
                return "it waits inside a class initializer (" + f + "), which a virtual thread cannot unmount from";
            }
        }
        if (holdsMonitor) {
            return "it holds a monitor (synchronized): before JDK 24 a virtual thread cannot unmount while holding one";
        }
        for (String f : frames) {
            if (f.contains("(Native Method)") && !f.startsWith("jdk.internal.misc.Unsafe.park")) {
                return "a native frame is on its stack (" + f + "): a virtual thread cannot unmount across it";
            }
        }
        return "the dump shows it mounted while waiting";
    }

    /** One verdict per virtual thread that waits without a timeout while mounted (it holds its carrier). */
    private void verdicts() {
        for (String[] p : pinnedForGood) {
            List<String> evidence = new ArrayList<String>();
            evidence.add(p[0]);
            evidence.add(p[1]);
            evidence.add(pinned.size() + " virtual thread(s) wait while mounted in all; the scheduler has "
                    + Runtime.getRuntime().availableProcessors() + " carrier(s) by default (jdk.virtualThreadScheduler.parallelism)");
            Kit.verdict("pinned-carrier", "virtual thread " + p[2] + " waits without a"
                    + " timeout while mounted: its carrier can run no other virtual thread until that wait ends;"
                    + " when every carrier is pinned, no virtual thread runs at all", evidence,
                    "do not block inside a class initializer or a native call on a virtual thread; before JDK 24 use a"
                    + " ReentrantLock instead of synchronized around blocking calls; wait with a timeout", p[2]);
        }
    }

    private String ownerName(Object tid) {
        long id = parseLong(tid);
        String n = platformNames.get(id);
        return n != null ? "\"" + n + "\" (#" + id + ")" : "#" + id;
    }

    /** class@hash of each j.u.c lock and monitor a platform thread holds -> that thread's name. */
    private static Map<String, String> platformOwners() {
        Map<String, String> owners = new HashMap<String, String>();
        try {
            for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                if (ti == null) {
                    continue;
                }
                for (LockInfo l : ti.getLockedSynchronizers()) {
                    owners.put(l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode()), ti.getThreadName());
                }
                for (LockInfo l : ti.getLockedMonitors()) {
                    owners.put(l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode()), ti.getThreadName());
                }
            }
        } catch (Throwable e) {
            // owners stay unknown
        }
        return owners;
    }

    private static int firstApplicationFrame(List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            String f = frames.get(i);
            if (!(f.startsWith("java.") || f.startsWith("jdk.") || f.startsWith("sun."))) {
                return i;
            }
        }
        return -1;
    }

    /** ", waiting in LinkedBlockingQueue.take() called from app.Foo.bar(Foo.java:3)". */
    private static String waitsIn(List<String> frames, int app) {
        if (app < 0) {
            return "";
        }
        if (app == 0) {
            return ", at " + frames.get(0);
        }
        String api = frames.get(app - 1);
        int paren = api.indexOf('(');
        String m = paren < 0 ? api : api.substring(0, paren);
        int dot = m.lastIndexOf('.', m.lastIndexOf('.') - 1);
        return ", waiting in " + m.substring(dot + 1) + "() called from " + frames.get(app);
    }

    private static String names(Group g) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(g.names.get(i));
        }
        return sb.toString();
    }

    /** "java.base/java.lang.Thread.sleep(Thread.java:540)" -> "java.lang.Thread.sleep(Thread.java:540)". */
    static String frame(String s) {
        int paren = s.indexOf('(');
        String head = paren < 0 ? s : s.substring(0, paren);
        int slash = head.lastIndexOf('/');
        if (slash >= 0 && head.substring(0, slash).indexOf('$') < 0) {
            return s.substring(slash + 1);
        }
        return s;
    }

    private static void bump(Map<String, Integer> m, String k) {
        Integer n = m.get(k);
        m.put(k, n == null ? 1 : n + 1);
    }

    private static long parseLong(Object o) {
        try {
            return o == null ? -1 : Long.parseLong(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int intParam(Map<String, String> params, String name, int dflt) {
        try {
            String v = params.get(name);
            return v == null ? dflt : (int) Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    // ---- a small streaming JSON reader: every "threads" array is handed over element by element ----

    final class JsonStream {
        private final Reader in;
        private int peeked = -2;

        JsonStream(Reader in) {
            this.in = in;
        }

        private int peek() throws IOException {
            if (peeked == -2) {
                peeked = in.read();
            }
            return peeked;
        }

        private int next() throws IOException {
            int c = peek();
            peeked = -2;
            return c;
        }

        private int skipWs() throws IOException {
            int c = peek();
            while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                next();
                c = peek();
            }
            return c;
        }

        private void expect(char c) throws IOException {
            int got = next();
            if (got != c) {
                throw new IOException("bad thread dump JSON: expected '" + c + "', got "
                        + (got < 0 ? "the end" : "'" + (char) got + "'"));
            }
        }

        /** A value; the elements of an array under the key "threads" go to onThread and are not kept. */
        Object value(String key) throws IOException {
            int c = skipWs();
            if (c == '{') {
                next();
                Map<String, Object> m = new LinkedHashMap<String, Object>();
                if (skipWs() == '}') {
                    next();
                    return m;
                }
                while (true) {
                    skipWs();
                    String k = string();
                    skipWs();
                    expect(':');
                    Object v = value(k);
                    if ("container".equals(k) && v instanceof String) {
                        currentContainer = (String) v;
                    }
                    if ("parent".equals(k) && v instanceof String) {
                        containerParent.put(currentContainer, (String) v);
                    }
                    if (!"threads".equals(k) && !"threadContainers".equals(k)) {
                        m.put(k, v);
                    }
                    int d = skipWs();
                    next();
                    if (d == '}') {
                        return m;
                    }
                    if (d != ',') {
                        throw new IOException("bad thread dump JSON: expected ',' or '}'");
                    }
                }
            }
            if (c == '[') {
                next();
                boolean threads = "threads".equals(key);
                boolean stream = threads || "threadContainers".equals(key);
                List<Object> list = stream ? null : new ArrayList<Object>();
                if (skipWs() == ']') {
                    next();
                    return list;
                }
                while (true) {
                    Object v = value(null);
                    if (threads && v instanceof Map) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> t = (Map<String, Object>) v;
                        onThread(t);
                    } else if (list != null) {
                        list.add(v);
                    }
                    int d = skipWs();
                    next();
                    if (d == ']') {
                        return list;
                    }
                    if (d != ',') {
                        throw new IOException("bad thread dump JSON: expected ',' or ']'");
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            StringBuilder sb = new StringBuilder();
            while (c >= 0 && c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                sb.append((char) next());
                c = peek();
            }
            String word = sb.toString();
            if (word.equals("true")) {
                return Boolean.TRUE;
            }
            if (word.equals("false")) {
                return Boolean.FALSE;
            }
            if (word.equals("null")) {
                return null;
            }
            if (word.isEmpty()) {
                throw new IOException("bad thread dump JSON: unexpected " + (c < 0 ? "end" : "'" + (char) c + "'"));
            }
            return word;
        }

        private String string() throws IOException {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                int c = next();
                if (c < 0) {
                    throw new IOException("bad thread dump JSON: unterminated string");
                }
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    int e = next();
                    switch (e) {
                        case 'n': sb.append('\n'); break;
                        case 't': sb.append('\t'); break;
                        case 'r': sb.append('\r'); break;
                        case 'b': sb.append('\b'); break;
                        case 'f': sb.append('\f'); break;
                        case 'u':
                            char[] hex = new char[4];
                            for (int i = 0; i < 4; i++) {
                                hex[i] = (char) next();
                            }
                            sb.append((char) Integer.parseInt(new String(hex), 16));
                            break;
                        default: sb.append((char) e);
                    }
                } else {
                    sb.append((char) c);
                }
            }
        }
    }
}
