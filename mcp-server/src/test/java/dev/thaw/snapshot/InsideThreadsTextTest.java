package dev.thaw.snapshot;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tasks and greenlets under their thread in the text: alike ones once with a count, cycles named, bounded. */
class InsideThreadsTextTest {

    private static final List<Frame> SLEEPING = List.of(new Frame("sleep", "/usr/lib/python3/dist-packages/gevent/hub.py", 166),
            new Frame("idle", "app.py", 29));

    private static ThreadSnapshot thread(AsyncLoop loop, List<Greenlet> greenlets) {
        return new ThreadSnapshot(7, "t", true, false, "lock_wait", "sleeping", "futex", null, null, null, List.of(),
                null, null, null, loop, greenlets, null);
    }

    @Test
    void thousandAlikeGreenletsTakeOneEntry() {
        List<Greenlet> gs = new ArrayList<>();
        gs.add(new Greenlet("0x1", "gevent._gevent_cgreenlet.Greenlet", "Greenlet-0: blocker", "running", false, "0x2",
                List.of(), true));
        gs.add(new Greenlet("0x2", "Hub", null, "suspended", true, null, List.of(new Frame("Hub.run", "hub.py", 647)), true));
        for (int i = 0; i < 1000; i++) {
            gs.add(new Greenlet("0x" + (100 + i), "gevent._gevent_cgreenlet.Greenlet", "Greenlet-" + (i + 1) + ": idle",
                    "suspended", false, "0x2", SLEEPING, true));
        }
        StringBuilder sb = new StringBuilder();
        InsideThreadsText.append(sb, thread(null, gs));
        String text = sb.toString();
        assertThat(text).contains("greenlets on tid 7: 1002")
                .contains("RUNNING 0x1 \"Greenlet-0: blocker\"")
                .contains("SUSPENDED hub 0x2 (Hub)")
                .contains("\"Greenlet-1: idle\" (gevent._gevent_cgreenlet.Greenlet) and 999 more alike "
                        + "(\"Greenlet-2: idle\", \"Greenlet-3: idle\", \"Greenlet-4: idle\", …)")
                .contains("idle (app.py:29)");
        assertThat(text.length()).isLessThan(1200);
    }

    @Test
    void cyclesAreNamedAndDistinctTasksKeptApart() {
        List<AsyncTask> tasks = new ArrayList<>();
        tasks.add(new AsyncTask("0xa", "cycle-a", false, List.of(new Frame("cycle_a", "app.py", 5)), null, List.of("0xb"), true));
        tasks.add(new AsyncTask("0xb", "cycle-b", false, List.of(new Frame("cycle_b", "app.py", 9)), null, List.of("0xa"), true));
        for (int i = 0; i < 300; i++) {
            tasks.add(new AsyncTask("0x" + (1000 + i), "w-" + i, false, List.of(new Frame("leaf", "app.py", 3 + i % 2)),
                    "_asyncio.FutureIter", List.of(), true));
        }
        AsyncLoop loop = new AsyncLoop("0xl", null, tasks, List.of(List.of("0xa", "0xb")), true);
        StringBuilder sb = new StringBuilder();
        InsideThreadsText.append(sb, thread(loop, null));
        assertThat(sb.toString())
                .contains("AWAIT CYCLE (never finishes): \"cycle-a\" 0xa awaits \"cycle-b\" 0xb awaits \"cycle-a\" 0xa")
                .contains("task \"w-0\" 0x1000 and 149 more alike (\"w-2\", \"w-4\", \"w-6\", …) awaits a _asyncio.FutureIter")
                .contains("task \"w-1\" 0x1001 and 149 more alike");
    }
}
