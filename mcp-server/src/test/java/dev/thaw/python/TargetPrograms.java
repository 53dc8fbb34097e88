package dev.thaw.python;

/** Python target programs shared by the tests and the benchmark. */
final class TargetPrograms {

    private TargetPrograms() {
    }

    /**
     * {@code threads} threads, each recursing {@code depth} frames deep and then waiting on an
     * event (blocked in C, futex); the main thread waits too. Prints "ready" when all are parked.
     */
    static String parkedThreads(int threads, int depth) {
        return "import threading, time\n"
                + "ev = threading.Event()\n"
                + "started = threading.Barrier(" + (threads + 1) + ")\n"
                + "def rec(n):\n"
                + "    if n == 0:\n"
                + "        started.wait()\n"
                + "        ev.wait()\n"
                + "        return\n"
                + "    rec(n - 1)\n"
                + "for i in range(" + threads + "):\n"
                + "    threading.Thread(target=rec, args=(" + depth + ",), name=f'worker-{i}', daemon=True).start()\n"
                + "started.wait()\n"
                + "time.sleep(0.2)\n"
                + "print('ready', flush=True)\n"
                + "ev.wait()\n";
    }
}
