package dev.thaw.inject;

import java.util.List;

/** Turns an injection's state into the records the tools return. */
final class InjectionResults {

    private InjectionResults() {
    }

    static InjectionResult of(Injection inj) {
        synchronized (inj) {
            byte[] bytes = currentOutput(inj);
            int cut = Utf8.cut(bytes, 0, bytes.length, InjectionService.PREVIEW_BYTES);
            boolean finished = inj.ended();
            TargetStatus st = inj.status;
            boolean more = cut < bytes.length || !finished;
            double elapsed = (System.nanoTime() - inj.startNanos) / 1e6;
            return new InjectionResult(inj.id, inj.target.pid(), inj.state().wire(), inj.pickedUp(), inj.request.mode().wire(),
                    inj.armedTids, st == null ? null : st.armedTid(), st == null ? null : st.tid(),
                    Math.round(elapsed * 1000) / 1000.0, st == null ? null : st.elapsedMs(), Utf8.decode(bytes, 0, cut),
                    bytes.length, more, cut, st != null && st.truncated(), st == null ? 0 : st.droppedBytes(),
                    st == null ? null : st.error(), st == null ? null : st.errorType(),
                    st == null ? null : st.traceback(), st == null ? null : st.exit(), inj.pending, inj.record.sha256(),
                    List.copyOf(inj.notes), timings(inj), finished ? Verdicts.parse(bytes) : null);
        }
    }

    private static Timings timings(Injection inj) {
        TargetStatus st = inj.status;
        long t0 = inj.startNanos;
        return new Timings(ms(inj.armedNanos, t0), st == null ? null : ms(st.deliveredNs(), t0),
                st == null ? null : ms(st.runningNs(), t0), st == null ? null : ms(st.endedNs(), t0),
                ms(inj.observedNanos, t0));
    }

    private static Double ms(Long nanos, long t0) {
        return nanos == null || nanos == 0 ? null : Math.round((nanos - t0) / 1e3) / 1e3;
    }

    /** The final output, or what the script has written so far. Caller holds the monitor. */
    static byte[] currentOutput(Injection inj) {
        if (inj.output != null) {
            return inj.output;
        }
        if (inj.dir == null) {
            return new byte[0];
        }
        int cap = (int) Math.min(inj.request.outputCap(), Integer.MAX_VALUE - 16);
        byte[] part = inj.dir.readRange(InjectionDir.OUTPUT_PART, 0, cap);
        return part.length > 0 ? part : inj.dir.readRange(InjectionDir.OUTPUT, 0, cap);
    }
}
