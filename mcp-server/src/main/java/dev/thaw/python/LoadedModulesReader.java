package dev.thaw.python;

import dev.thaw.snapshot.LoadedModules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a process has imported, from {@code sys.modules}, and which modules gevent's monkey
 * patching replaced: {@code gevent.monkey.saved} maps each patched module's name to the originals
 * it saved, so its keys are exactly the patched modules.
 */
final class LoadedModulesReader {

    /** Frameworks whose presence changes how threads, waits and hangs must be read, in display order. */
    static final List<String> NOTABLE = List.of("gevent", "greenlet", "eventlet", "asyncio", "uvloop", "trio", "anyio",
            "concurrent.futures", "multiprocessing", "threading", "_thread", "queue", "subprocess", "socket", "ssl",
            "selectors", "signal", "celery", "kombu", "billiard", "gunicorn", "uwsgi", "uvicorn", "tornado",
            "twisted", "django", "flask", "fastapi", "starlette", "grpc", "sqlalchemy", "psycopg2", "psycopg",
            "redis", "requests", "urllib3", "aiohttp", "httpx", "torch", "numpy", "faulthandler", "ctypes");

    private LoadedModulesReader() {
    }

    static LoadedModules read(PyObjects o, Map<String, Long> modules) {
        List<String> notable = new ArrayList<>();
        for (String n : NOTABLE) {
            if (modules.containsKey(n)) {
                notable.add(n);
            }
        }
        List<String> patched = null;
        String note = null;
        Long monkey = modules.get("gevent.monkey");
        if (monkey != null) {
            try {
                Long saved = o.moduleGlobal(monkey, "saved");
                patched = new ArrayList<>();
                if (saved != null) {
                    for (PyObjects.Entry e : o.dictEntries(saved, 256)) {
                        // gevent also keeps its own settings there under a "_gevent_" key: not a module
                        String name = o.isStr(e.key()) ? o.str(e.key(), 128) : null;
                        if (name != null && !name.startsWith("_gevent_")) {
                            patched.add(name);
                        }
                    }
                }
                patched.sort(null);
            } catch (TornReadException | dev.thaw.proc.MemoryUnreadableException e) {
                patched = null;
                note = "gevent.monkey is imported but its saved dict could not be read (it changed while read)";
            }
        }
        return new LoadedModules(modules.size(), List.copyOf(notable), patched == null ? null : List.copyOf(patched),
                note);
    }
}
