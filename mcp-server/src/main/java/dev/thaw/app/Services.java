package dev.thaw.app;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionService;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.jvm.probe.JvmInjector;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.process.JvmDetector;
import dev.thaw.process.PythonDetector;
import dev.thaw.process.SnapshotService;
import dev.thaw.process.Doctor;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.PythonDeliveryOutlook;
import dev.thaw.process.RuntimeDetectors;
import dev.thaw.python.PythonCaches;
import dev.thaw.python.inject.PythonInjector;

import java.util.List;

/**
 * The composition root: one instance of each operation, shared by the MCP tools and the CLI commands
 * so that both faces run the same implementation.
 */
public final class Services {

    private final ProcFs proc = ProcFs.system();
    /** What attach operations learnt about each JVM: one for the server, shared by snapshot, diagnostics and probes. */
    private final AttachClients attach = new AttachClients(proc);
    /** What the Python engine keeps between calls: one instance, shared by listing, snapshot and injection. */
    private final PythonCaches pythonCaches = new PythonCaches();
    private final ProcessLister lister;
    private final Doctor doctor;
    private final SnapshotService snapshots;
    private InjectionService injections;

    public Services() {
        ProcStatus self = proc.status((int) ProcessHandle.current().pid());
        JvmProbe jvmProbe = new JvmProbe(proc);
        RuntimeDetectors detectors = new RuntimeDetectors(
                List.of(new PythonDetector(proc, pythonCaches), new JvmDetector(jvmProbe, self)));
        this.lister = new ProcessLister(proc, detectors);
        this.doctor = new Doctor(proc, lister, detectors, new PythonDeliveryOutlook(proc));
        this.snapshots = new SnapshotService(proc, jvmProbe, attach, pythonCaches);
    }

    public SnapshotService snapshots() {
        return snapshots;
    }

    public Doctor doctor() {
        return doctor;
    }

    public ProcFs proc() {
        return proc;
    }

    public ProcessLister lister() {
        return lister;
    }

    public AttachClients attach() {
        return attach;
    }

    /** Created on first use: it sweeps what a crashed thaw left in targets and cleans up at exit. */
    public synchronized InjectionService injections() {
        if (injections == null) {
            injections = InjectionService.start(proc, List.of(new PythonInjector(proc, pythonCaches), new JvmInjector(attach)),
                    InjectionDirs.standard(proc));
        }
        return injections;
    }
}
