package dev.thaw.python.inject;

import dev.thaw.ThawException;
import dev.thaw.inject.ArmedThread;
import dev.thaw.inject.Delivery;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.PendingReport;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.python.Pep768Writer;
import dev.thaw.python.Pep768Writer.PyThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A PEP 768 delivery in progress: the armed threads of one target, re-planned while nothing picked
 * the bootstrap up, and taken back once one did (or the wait ended).
 */
final class PythonDelivery implements Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(PythonDelivery.class);

    private final ProcFs proc;
    private final int pid;
    private final Pep768Writer writer;
    private final String path;
    private final ThreadChoice choice;
    private final InjectionMode mode;
    private final StackPeek stacks;
    private final List<PyThread> armed = new ArrayList<>();
    private String description;

    private PythonDelivery(ProcFs proc, int pid, Pep768Writer writer, String path, ThreadChoice choice,
                           InjectionMode mode, StackPeek stacks) {
        this.proc = proc;
        this.pid = pid;
        this.writer = writer;
        this.path = path;
        this.choice = choice;
        this.mode = mode;
        this.stacks = stacks;
    }

    /** Opens the target, picks the threads and arms them. */
    static PythonDelivery start(ProcFs proc, int pid, Pep768Writer.Location hint, String bootstrapPath,
                                ThreadChoice choice, InjectionMode mode, StackPeek stacks) {
        Pep768Writer writer = Pep768Writer.open(proc, pid, hint);
        try {
            int length = bootstrapPath.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (length > writer.maxPathBytes()) {
                throw Pep768Writer.pathTooLong(bootstrapPath, length, writer.maxPathBytes());
            }
            PythonDelivery d = new PythonDelivery(proc, pid, writer, bootstrapPath, choice, mode, stacks);
            List<ThreadPlanner.Candidate> plan = ThreadPlanner.plan(pid, choice, mode, d.census());
            for (ThreadPlanner.Candidate c : plan) {
                d.arm(c);
            }
            d.description = "armed " + describe(plan);
            return d;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private void arm(ThreadPlanner.Candidate c) {
        writer.arm(c.thread(), path);
        armed.add(c.thread());
    }

    /** Every Python thread of the main interpreter with its kernel state. */
    private List<ThreadPlanner.Candidate> census() {
        KernelThreads kernel = new KernelThreads(proc, pid, writer.memory());
        List<ThreadPlanner.Candidate> out = new ArrayList<>();
        for (PyThread t : writer.threads()) {
            out.add(new ThreadPlanner.Candidate(t, kernel.read(t.nativeTid())));
        }
        return out;
    }

    @Override
    public List<Long> armedTids() {
        return armed.stream().map(PyThread::nativeTid).toList();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void refresh() {
        if (choice.kind() != ThreadChoice.Kind.AUTO) {
            return;
        }
        try {
            List<ThreadPlanner.Candidate> add = ThreadPlanner.additions(mode, census(), armedTids());
            for (ThreadPlanner.Candidate c : add.subList(0, Math.min(add.size(),
                    Math.max(0, ThreadPlanner.MAX_ARMED * 2 - armed.size())))) {
                arm(c);
                description = description + "; then " + describe(List.of(c));
            }
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            LOG.debug("pid {}: re-planning failed: {}", pid, e.getMessage());
        }
    }

    @Override
    public PendingReport pending() {
        List<ThreadPlanner.Candidate> all;
        try {
            all = census();
        } catch (ThawException e) {
            return new PendingReport("The armed threads cannot be inspected: " + e.getMessage(), List.of(), List.of());
        }
        List<Long> tids = armedTids();
        List<ThreadPlanner.Candidate> mine = all.stream().filter(c -> tids.contains(c.thread().nativeTid())).toList();
        java.util.Map<Long, List<String>> frames = stacks.topFrames(pid, tids, 5);
        List<ArmedThread> threads = mine.stream().map(c -> armedThread(c, frames.getOrDefault(c.thread().nativeTid(),
                List.of()))).toList();
        return PendingAdvice.report(pid, choice, mode, mine, all, threads, signals());
    }

    private static ArmedThread armedThread(ThreadPlanner.Candidate c, List<String> frames) {
        KernelThread k = c.kernel();
        return new ArmedThread(k.tid(), k.name(), c.thread().main(), k.kernelState(), k.syscall(), k.waitKind().wire(),
                k.wakesInMs(), frames);
    }

    private long signals() {
        try {
            var st = proc.status(pid);
            return st.sigCgt() & ~st.sigIgn();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public int disarm() {
        int n = 0;
        for (PyThread t : armed) {
            try {
                if (writer.disarm(t, path)) {
                    n++;
                }
            } catch (ThawException e) {
                // the thread exited (its state is freed): nothing left to take back
                LOG.debug("pid {}: disarm of thread {} failed: {}", pid, t.nativeTid(), e.getMessage());
            }
        }
        return n;
    }

    @Override
    public void close() {
        writer.close();
    }

    private static String describe(List<ThreadPlanner.Candidate> plan) {
        return plan.stream().map(c -> "thread " + c.thread().nativeTid() + (c.thread().main() ? " (main)" : "")
                        + " [" + c.kernel().waitDetail() + "]")
                .collect(Collectors.joining(", "));
    }
}
