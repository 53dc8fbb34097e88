package dev.thaw.process;

import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.PendingReport;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.inject.PythonDeliverability;

import java.util.Optional;

/** CPython's delivery outlook for doctor: the plan inject_script makes with {@code thread: "auto"}, nothing armed. */
public final class PythonDeliveryOutlook implements DeliveryOutlook {

    private final PythonDeliverability plan;

    public PythonDeliveryOutlook(ProcFs proc) {
        this.plan = new PythonDeliverability(proc);
    }

    @Override
    public Check check(int pid, RuntimeInfo runtime) {
        if (runtime == null || !RuntimeInfo.CPYTHON.equals(runtime.kind())) {
            return null;
        }
        Optional<PendingReport> never = plan.undeliverable(pid, PythonDeliverability.DEFAULT_TIMEOUT_MS);
        if (never.isEmpty()) {
            return Check.pass("injection_delivery", "a thread can pick a script up now (it runs, or wakes by itself "
                    + "within inject_script's default 10 s wait)");
        }
        PendingReport r = never.get();
        String waits = r.threads().stream().limit(4).map(PythonDeliveryOutlook::thread)
                .reduce((a, b) -> a + "; " + b).orElse("");
        return Check.fail("injection_delivery", "no thread can reach a safe point within 10 s, so an injection now "
                        + "would be undeliverable" + (waits.isEmpty() ? "" : ": " + waits)
                        + (r.threads().size() > 4 ? "; ..." : ""),
                String.join(" ", r.advice().subList(1, r.advice().size())));
    }

    private static String thread(ArmedThread t) {
        return "thread " + t.tid() + (t.main() ? " (main)" : "") + " " + t.syscall() + " (" + t.waitKind() + ")"
                + (t.frames().isEmpty() ? "" : " at " + t.frames().get(0));
    }
}
