package dev.thaw.findings;

import dev.thaw.snapshot.Frame;
import dev.thaw.snapshot.JvmLocks;
import dev.thaw.snapshot.StackGroup;
import dev.thaw.snapshot.ThreadSnapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a JVM thread's frames and lock line say: application frames, the synchronizer it parks on. */
final class JvmStacks {

    private static final Pattern CLASS = Pattern.compile("\\(a ([\\w.$]+)\\)|^([\\w.$]+)@");
    private static final Pattern ADDRESS = Pattern.compile("<(0x[0-9a-f]+)>|@([0-9a-f]+)");

    private JvmStacks() {
    }

    /** The threads whose wait the wait-for graph explains (a lock with a known owner): other rules' business. */
    static Set<Long> waitingForAnOwner(Facts facts) {
        Set<Long> out = new HashSet<>();
        JvmLocks locks = facts.snapshot().jvm();
        if (locks != null) {
            locks.waitFor().forEach(e -> out.add(e.waiter()));
        }
        return out;
    }

    static boolean jdk(String function) {
        return function == null || function.startsWith("java.") || function.startsWith("jdk.") || function.startsWith("sun.");
    }

    /** The innermost frame outside the JDK, or the innermost frame. */
    static Frame firstApplicationFrame(List<Frame> frames) {
        for (Frame f : frames) {
            if (!jdk(f.function())) {
                return f;
            }
        }
        return frames.isEmpty() ? null : frames.get(0);
    }

    /** An application thread: has a frame outside the JDK, and is not housekeeping. */
    static boolean application(StackGroup g) {
        if (Activity.housekeeping(g)) {
            return false;
        }
        for (Frame f : g.frames()) {
            if (!jdk(f.function())) {
                return true;
            }
        }
        return false;
    }

    /** {@code park on <0x…> (a java.util.concurrent.Semaphore$NonfairSync)} → the blocker part after "park on ". */
    static String parkedOn(ThreadSnapshot t) {
        String w = t.lockWaitedOn();
        return w != null && w.startsWith("park on ") ? w.substring("park on ".length()) : null;
    }

    /** The class of a lock as the dump prints it, e.g. {@code java.util.concurrent.Semaphore$NonfairSync}. */
    static String lockClass(String lock) {
        Matcher m = CLASS.matcher(lock);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    static String lockAddress(String lock) {
        Matcher m = ADDRESS.matcher(lock);
        if (!m.find()) {
            return lock;
        }
        return m.group(1) != null ? m.group(1) : "0x" + m.group(2);
    }

    /** The synchronizer a lock's class belongs to: {@code Semaphore$NonfairSync} → {@code Semaphore}. */
    static String synchronizer(String lockClass) {
        if (lockClass == null) {
            return "an unknown synchronizer";
        }
        String simple = lockClass.substring(lockClass.lastIndexOf('.') + 1);
        int dollar = simple.indexOf('$');
        return dollar > 0 ? simple.substring(0, dollar) : simple;
    }

    /** {@code com.acme.Foo.bar (Foo.java:12)} with the package cut: {@code Foo.bar (Foo.java:12)}. */
    static String short_(Frame f) {
        String fn = f.function() == null ? "?" : f.function();
        int method = fn.lastIndexOf('.');
        int cls = method > 0 ? fn.lastIndexOf('.', method - 1) : -1;
        return fn.substring(cls + 1) + " (" + f.file() + (f.line() == null ? "" : ":" + f.line()) + ")";
    }
}
