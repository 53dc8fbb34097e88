package dev.thaw.python;

import dev.thaw.proc.MemoryUnreadableException;

import java.util.HashMap;
import java.util.Map;

/**
 * The Python {@code threading.Thread} objects of a process, by thread ident: the {@code threading}
 * module's {@code _active} dict maps {@code get_ident()} (the thread state's {@code thread_id}) to
 * the Thread, whose {@code _name} is {@code Thread.name} and {@code _daemonic} its daemon flag.
 */
final class PythonThreadNames {

    /** One Thread object. */
    record PyThread(String name, String threadClass, Boolean daemon, long address) {
    }

    private static final int MAX_THREADS = 1 << 14;

    private PythonThreadNames() {
    }

    /** ident → Thread; empty when threading is not imported. Threads that cannot be read are left out. */
    static Map<Long, PyThread> read(PyObjects o, Map<String, Long> modules) {
        Long threading = modules.get("threading");
        if (threading == null) {
            return Map.of();
        }
        Long active = o.moduleGlobal(threading, "_active");
        if (active == null) {
            return Map.of();
        }
        Map<Long, PyThread> out = new HashMap<>();
        for (PyObjects.Entry e : o.dictEntries(active, MAX_THREADS)) {
            try {
                if (!"int".equals(o.typeNameOf(e.key()))) {
                    continue;
                }
                Long ident = o.intValue(e.key());
                if (ident == null) {
                    // idents are pthread_t values: above 2^60 they take three digits
                    ident = unsignedIdent(o, e.key());
                }
                Map<String, Long> attrs = o.attributes(e.value(), 64);
                String name = null;
                Boolean daemon = null;
                if (attrs != null) {
                    Long n = attrs.get("_name");
                    if (n != null && o.isStr(n)) {
                        name = o.str(n, 200);
                    }
                    Long dm = attrs.get("_daemonic");
                    if (dm != null && "bool".equals(o.typeNameOf(dm))) {
                        daemon = o.intValue(dm) != 0;
                    }
                }
                if (ident != null) {
                    out.put(ident, new PyThread(name, o.typeNameOf(e.value()), daemon, e.value()));
                }
            } catch (TornReadException | MemoryUnreadableException ex) {
                // a Thread that started or ended while we read: it is simply not named
            }
        }
        return out;
    }

    /** A non-negative int of up to three 30-bit digits (a pthread_t above 2^60), or null. */
    private static Long unsignedIdent(PyObjects o, long obj) {
        java.nio.ByteBuffer b = o.read(obj, (int) o.offsets().deep().longObDigit() + 12);
        int p = b.position();
        long tag = b.getLong(p + (int) o.offsets().deep().longLvTag());
        if ((tag & 3) != 0 || (tag >>> 3) != 3) {
            return null;
        }
        int base = p + (int) o.offsets().deep().longObDigit();
        long d0 = b.getInt(base) & 0xffffffffL;
        long d1 = b.getInt(base + 4) & 0xffffffffL;
        long d2 = b.getInt(base + 8) & 0xffffffffL;
        return d0 | d1 << 30 | d2 << 60;
    }
}
