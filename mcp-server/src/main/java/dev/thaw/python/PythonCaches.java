package dev.thaw.python;

import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcessKey;

import java.util.Optional;

/**
 * What the Python engine keeps between calls, each bounded: facts about target processes (keyed
 * by {@link ProcessKey}: a pid reused by another process is another key) and about mapped files
 * (keyed by device, inode, size and modification time: a replaced file is another key). Owned by
 * the service that reads or writes Python processes, made once with it; nothing here is static,
 * so two services (or two tests) never see each other's entries.
 */
public final class PythonCaches {

    /** Per process: where its runtime is, its offsets, code objects and identity ({@link PythonStackReader}). */
    final BoundedCache<ProcessKey, PythonStackReader.Known> readers = new BoundedCache<>(64);
    /** Per process: whether {@code _asyncio} and greenlet are loaded, for one program image (the snapshotter's). */
    private final BoundedCache<ProcessKey, LoadedExtras> loadedExtras = new BoundedCache<>(64);
    /** Per mapped file: how it relates to {@code .PyRuntime} ({@link PyRuntimeLocator}). */
    final BoundedCache<String, PyRuntimeLocator.ElfInfo> elfFiles = new BoundedCache<>(256);
    /** Per source file: its lines ({@link SourceLines}). */
    final BoundedCache<SourceLines.Key, SourceLines.Text> sourceFiles = new BoundedCache<>(256);
    /** Per interpreter build (its debug offsets): where the signal handler table is from {@code _PyRuntime}. */
    final BoundedCache<DebugOffsets, Integer> signalTables = new BoundedCache<>(64);
    /** Per mapped file: where {@code .AsyncioDebug} is relative to the file's load address, if it has one. */
    private final BoundedCache<String, Optional<Long>> asyncioSections = new BoundedCache<>(256);

    /** What one process was found to have loaded, in the program image {@code image} (exec keeps the pid, not the mappings). */
    public record LoadedExtras(byte[] image, Long asyncioSection, boolean greenlet, long checkedAt) {
    }

    /** For the snapshotter: what each process was found to have loaded. */
    public BoundedCache<ProcessKey, LoadedExtras> loadedExtras() {
        return loadedExtras;
    }

    /** For the asyncio reader: the {@code .AsyncioDebug} section offsets by mapped file. */
    public BoundedCache<String, Optional<Long>> asyncioSections() {
        return asyncioSections;
    }

    /** Drops the code objects decoded from {@code process} so far (benchmarks: the cost of a first snapshot). */
    public void forgetCodeObjects(ProcessKey process) {
        PythonStackReader.Known k = readers.get(process);
        if (k != null) {
            readers.put(process, k.withoutCodeObjects());
        }
    }
}
