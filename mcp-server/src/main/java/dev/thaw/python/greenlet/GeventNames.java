package dev.thaw.python.greenlet;

import dev.thaw.python.PythonMemory;

/**
 * The name gevent shows for a {@code gevent.Greenlet} ({@code Greenlet-N: worker}), read from its
 * Cython fields: {@code Greenlet} extends the 40-byte {@code PyGreenlet} with, among others,
 * {@code _formatted_info} at +128 (what was spawned, once formatted) and {@code _ident} at +136 (the
 * minimal ident behind {@code Greenlet-N}, once asked for). A name set by the program and the
 * spawned callable ({@code _run}) live in the instance dict ({@code PyGreenlet.dict}, +24).
 */
final class GeventNames {

    static final String GREENLET_TYPE = "gevent._gevent_cgreenlet.Greenlet";
    private static final int DICT = 24;
    private static final int FORMATTED_INFO = 128;
    private static final int IDENT = 136;

    private GeventNames() {
    }

    static boolean isGeventGreenlet(PythonMemory py, long type) {
        return GreenletObjectReads.inherits(py, type, GREENLET_TYPE);
    }

    static boolean isHub(PythonMemory py, long type) {
        String n = py.typeName(type);
        return n != null && (n.equals("Hub") || n.endsWith(".Hub")) || GreenletObjectReads.inherits(py, type, "gevent.hub.Hub");
    }

    /** {@code name: what}, either part may be missing; null when neither is known. */
    static String name(PythonMemory py, long greenlet) {
        long dict = py.readPointer(greenlet + DICT);
        String name = GreenletObjectReads.strOrNull(py, GreenletObjectReads.dictGet(py, dict, "name"));
        if (name == null) {
            Long ident = GreenletObjectReads.smallInt(py, py.readPointer(greenlet + IDENT));
            name = ident == null ? null : "Greenlet-" + ident;
        }
        String what = GreenletObjectReads.strOrNull(py, py.readPointer(greenlet + FORMATTED_INFO));
        if (what == null) {
            long run = GreenletObjectReads.dictGet(py, dict, "_run");
            what = run == 0 ? null : GreenletObjectReads.callableName(py, run);
        }
        String shown = name == null ? what : what == null ? name : name + ": " + what;
        return shown == null ? null : PythonMemory.printable(shown);
    }
}
