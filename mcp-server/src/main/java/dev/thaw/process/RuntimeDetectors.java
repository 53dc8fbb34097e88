package dev.thaw.process;

import dev.thaw.proc.ProcStatus;

import java.util.List;
import java.util.Optional;

/**
 * The runtime detectors in order; the first that recognises a process wins. One lookup for the
 * listing and the doctor, so both always agree on what a process runs.
 */
public final class RuntimeDetectors {

    private final List<RuntimeDetector> detectors;

    public RuntimeDetectors(List<RuntimeDetector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** A detector and what it recognised. */
    public record Match(RuntimeDetector detector, RuntimeDetector.Detection detection) {
    }

    /**
     * @return empty when no runtime is recognised
     * @throws dev.thaw.proc.ProcessGoneException when the process is gone
     * @throws dev.thaw.ThawException             when the process may not be read (its maps are unreadable)
     */
    public Optional<Match> identify(int pid, ProcStatus status) {
        for (RuntimeDetector detector : detectors) {
            Optional<RuntimeDetector.Detection> d = detector.detect(pid, status);
            if (d.isPresent()) {
                return Optional.of(new Match(detector, d.get()));
            }
        }
        return Optional.empty();
    }
}
