package dev.thaw.python;

import dev.thaw.snapshot.Frame;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs one target program, waits until every thread is parked and the target's own view of its
 * stacks has been printed, then SIGSTOPs it and compares our reader with that view and with
 * CPython's RemoteUnwinder; SIGCONT after.
 */
final class CrossCheck {

    /** What one cross-check saw, for further assertions; {@code ran} is the text the target ran (prelude and program). */
    record Result(PythonProgram ran, int pid, Map<Long, List<Frame>> ours, Map<Long, List<Frame>> truth, StackOracle.Unwound unwound,
                  List<PyThreadStack> threads, PythonStackReader.Interpreters interpreters) {
    }

    /** How far RemoteUnwinder's answer can be trusted in a scenario. */
    enum Unwinder {
        /** Equal to ours (3.15). */
        EXACT,
        /**
         * Each of its stacks is a prefix of ours: 3.14.10's RemoteUnwinder stops at the first frame
         * after a C call boundary (e.g. at Thread.run, under Context.run) — ours goes on, as the
         * target's own sys._current_frames() does.
         */
        PREFIX,
        /** Known wrong here (non-ASCII names, a live sub-interpreter): not compared. */
        IGNORE
    }

    private CrossCheck() {
    }

    static Unwinder defaultFor(String version) {
        return version.equals("3.14") ? Unwinder.PREFIX : Unwinder.EXACT;
    }

    static Result run(String version, Map<String, String> env, PythonProgram program, Unwinder mode) throws Exception {
        PythonProgram ran = program.after(StackOracle.TRUTH_PRELUDE);
        try (TestPythons.Target t = TestPythons.start(version, env, ran.text())) {
            return run(version, ran, t, mode);
        }
    }

    private static Result run(String version, PythonProgram ran, TestPythons.Target t, Unwinder mode) throws Exception {
        Map<Long, List<Frame>> truth = StackOracle.truth(t.readyLine());
        try (PythonStackReader reader = PythonStackReader.open(t.pid())) {
            awaitSettled(reader, truth);
            t.stop();
            Map<Long, List<Frame>> ours;
            List<PyThreadStack> threads;
            StackOracle.Unwound unwound;
            try {
                threads = reader.read();
                ours = withFrames(threads);
                unwound = StackOracle.remoteUnwinder(version, t.pid());
            } finally {
                t.cont();
            }
            assertThat(threads).allMatch(PyThreadStack::complete);
            assertThat(ours).as("our stacks vs the target's own sys._current_frames()").isEqualTo(truth);
            compare(ours, unwound, mode);
            return new Result(ran, t.pid(), ours, truth, unwound, threads, reader.interpreters());
        }
    }

    /** The truth thread must have exited and all others be parked: poll until our view equals the truth. */
    private static void awaitSettled(PythonStackReader reader, Map<Long, List<Frame>> truth) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<Long, List<Frame>> last = null;
        while (System.nanoTime() < deadline) {
            last = withFrames(reader.read());
            if (last.equals(truth)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(last).as("stacks never settled to the target's own view").isEqualTo(truth);
    }

    static Map<Long, List<Frame>> withFrames(List<PyThreadStack> threads) {
        Map<Long, List<Frame>> out = new LinkedHashMap<>();
        for (PyThreadStack t : threads) {
            if (!t.frames().isEmpty()) {
                out.put(t.tid(), t.frames());
            }
        }
        return out;
    }

    private static void compare(Map<Long, List<Frame>> ours, StackOracle.Unwound unwound, Unwinder mode) {
        if (mode == Unwinder.IGNORE) {
            return;
        }
        if (unwound.error() != null) {
            fail("RemoteUnwinder failed: " + unwound.error());
        }
        Map<Long, List<Frame>> theirs = new LinkedHashMap<>();
        unwound.threads().forEach((tid, frames) -> {
            if (!frames.isEmpty()) {
                theirs.put(tid, frames);
            }
        });
        assertThat(theirs.keySet()).as("threads seen by RemoteUnwinder").isEqualTo(ours.keySet());
        if (mode == Unwinder.EXACT) {
            assertThat(ours).as("our stacks vs RemoteUnwinder").isEqualTo(theirs);
            return;
        }
        theirs.forEach((tid, frames) -> {
            List<Frame> mine = ours.get(tid);
            assertThat(mine.size()).as("tid %d: RemoteUnwinder has more frames", tid).isGreaterThanOrEqualTo(frames.size());
            assertThat(mine.subList(0, frames.size())).as("tid %d: RemoteUnwinder's frames are our innermost", tid)
                    .isEqualTo(frames);
        });
    }
}
