package dev.thaw;

import dev.thaw.proc.ProcFs;
import dev.thaw.process.ProcessLister;
import dev.thaw.process.RuntimeDetector;

import java.util.List;

/**
 * The composition root: one instance of each operation, shared by the MCP tools and the CLI commands
 * so that both faces run the same implementation.
 */
public final class Services {

    private final ProcFs proc = ProcFs.system();
    private final ProcessLister lister;

    public Services() {
        List<RuntimeDetector> detectors = List.of();
        this.lister = new ProcessLister(proc, detectors);
    }

    public ProcFs proc() {
        return proc;
    }

    public ProcessLister lister() {
        return lister;
    }
}
