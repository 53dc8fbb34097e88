package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.inject.Delivery;
import dev.thaw.inject.InjectionDir;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.RuntimeInjector;
import dev.thaw.inject.TargetIdentity;
import dev.thaw.inject.TargetStatus;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
import dev.thaw.python.PythonCaches;
import dev.thaw.proc.ProcStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPython 3.14/3.15 through PEP 768. The payload: {@code bootstrap.py} (the only file the target
 * executes: tiny, with the user's script and params inside as literals) and the machinery that
 * runs the script: {@code lib.py}, or {@code lib.marshal} when an earlier injection into a process
 * of the same Python version and user compiled it (compiling it costs the target milliseconds, on
 * the application thread that picked the bootstrap up).
 * Delivery arms threads through {@code /proc/PID/mem} ({@link Pep768Writer}).
 */
public final class PythonInjector implements RuntimeInjector {

    static final String BOOTSTRAP = "bootstrap.py";
    static final String LIB = "lib.py";
    static final String LIB_MARSHAL = "lib.marshal";
    static final String LIB_MARSHAL_NEW = "lib.marshal.new";
    private static final int MAX_MARSHAL = 1 << 20;

    private final ProcFs proc;
    private final StackPeek stacks;
    /** What the Python engine keeps between calls (the ELF look-ups of mapped files, ...). */
    private final PythonCaches caches;
    /** Where each recent target's runtime is: saves the maps and ELF lookups on later injections. */
    private final BoundedCache<ProcessKey, Pep768Writer.Location> locations = new BoundedCache<>(64);
    /** Targets identified before: a second look needs only their user. */
    private final BoundedCache<ProcessKey, TargetIdentity> identities = new BoundedCache<>(64);
    /**
     * The library compiled by a target, by Python version and uid. Keyed by uid so that code one
     * user's process produced is only ever handed to that same user's processes (which that user
     * can already run code in).
     */
    private final BoundedCache<String, byte[]> compiledLib = new BoundedCache<>(16);

    /** An injector keeping what it learns of processes to itself. */
    public PythonInjector(ProcFs proc) {
        this(proc, new PythonCaches());
    }

    /** @param caches what the Python engine keeps between calls, shared with the other Python services */
    public PythonInjector(ProcFs proc, PythonCaches caches) {
        this(proc, caches, new SnapshotStackPeek(proc, caches));
    }

    public PythonInjector(ProcFs proc, PythonCaches caches, StackPeek stacks) {
        this.proc = proc;
        this.caches = caches;
        this.stacks = stacks;
    }

    @Override
    public String runtime() {
        return "cpython";
    }

    @Override
    public Optional<TargetIdentity> identify(int pid) {
        KnownProcess kp = this.known.get(pid);
        if (kp != null) {
            TargetIdentity again = kp.reread();
            // exec() keeps the pid, the start time and these descriptors: the executable tells a
            // process that became another program (another Python, whose compiled library differs).
            if (again != null && sameExecutable(pid, again)) {
                return Optional.of(again);
            }
            // It exited (its pid may be another process's now): forget it, and look afresh.
            if (this.known.remove(pid, kp)) {
                kp.close();
            }
        }
        long start = proc.stat(pid).startTimeTicks();
        ProcessKey key = new ProcessKey(pid, start);
        TargetIdentity known = identities.get(key);
        if (known != null && sameExecutable(pid, known)) {
            // Same process as before: its version, layout and remote-debug setting cannot have changed
            // (they are fixed at start); only its user can, so that is read again.
            ProcStatus st = proc.status(pid);
            return Optional.of(remember(new TargetIdentity(pid, start, known.executable(), known.runtime(),
                    known.runtimeVersion(), st.effectiveUid(), st.effectiveGid())));
        }
        Pep768Writer.Location hint = locations.get(key);
        String version;
        // Opening for delivery performs every check a delivery needs (version, layout, remote debug flag).
        try (Pep768Writer w = Pep768Writer.open(proc, pid, hint, caches)) {
            version = w.version().toString();
            locations.put(key, w.location());
        } catch (ThawException e) {
            if (e.code() == ErrorCode.NOT_PYTHON) {
                return Optional.empty();
            }
            throw e;
        }
        ProcStatus st = proc.status(pid);
        TargetIdentity id = new TargetIdentity(pid, start, proc.exe(pid).orElse(null), runtime(), version,
                st.effectiveUid(), st.effectiveGid());
        identities.put(key, id);
        return Optional.of(remember(id));
    }

    private boolean sameExecutable(int pid, TargetIdentity known) {
        return java.util.Objects.equals(proc.exe(pid).orElse(null), known.executable());
    }

    /** Keeps the process's /proc files open for the next identify (see {@link KnownProcess}). */
    private TargetIdentity remember(TargetIdentity id) {
        KnownProcess k = KnownProcess.open(proc.pidDir(id.pid()), id);
        if (k != null) {
            KnownProcess before = this.known.put(id.pid(), k);
            if (before != null) {
                before.close();
            }
        }
        return id;
    }

    @Override
    public void writePayload(TargetIdentity target, InjectionDir dir, String injectionId, InjectionRequest request) {
        byte[] cached;
        try {
            cached = compiledLib.get(libKey(target));
            // One file or the other: every file costs the target a few syscalls in its temporary directory.
            if (cached != null) {
                dir.writeFile(LIB_MARSHAL, cached);
            } else {
                dir.writeFile(LIB, LibraryScript.source());
            }
            dir.writeFile(BOOTSTRAP, BootstrapScript.render(dir.inRootPath(), injectionId, request, cached == null,
                    cached != null).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot write the injection files into " + dir.hostPath()
                    + ": " + e.getMessage() + ".", "Check free space and permissions of that directory (the target's /dev/shm or /tmp).", e);
        }
    }

    @Override
    public Delivery deliver(TargetIdentity target, InjectionDir dir, InjectionRequest request) {
        try {
            return PythonDelivery.start(proc, target.pid(), caches, locations.get(key(target)), dir.inRoot(BOOTSTRAP),
                    request.thread(), request.mode(), stacks, target.runtimeVersion(),
                    request.timeout().toMillis());
        } catch (ThawException e) {
            if (e.code() == ErrorCode.TARGET_CHANGED) {
                forget(target);
            }
            throw e;
        }
    }

    /** Drops what is remembered of a process, so that the next injection identifies it afresh. */
    @Override
    public void forget(TargetIdentity target) {
        identities.remove(key(target));
        locations.remove(key(target));
        KnownProcess kp = known.remove(target.pid());
        if (kp != null) {
            kp.close();
        }
    }

    @Override
    public void close() {
        synchronized (known) {
            known.values().forEach(KnownProcess::close);
            known.clear();
        }
    }

    @Override
    public void harvest(TargetIdentity target, InjectionDir dir, TargetStatus status) {
        if (status != null && "start".equals(status.phase())) {
            // The library did not load (or the thread did not start): never hand that precompiled copy out again.
            compiledLib.remove(libKey(target));
            return;
        }
        if (compiledLib.get(libKey(target)) != null) {
            return; // it was handed lib.marshal: nothing new to pick up
        }
        dir.read(LIB_MARSHAL_NEW, MAX_MARSHAL + 1).filter(b -> b.length > 0 && b.length <= MAX_MARSHAL && holdsCode(b))
                .ifPresent(b -> compiledLib.put(libKey(target), b));
    }

    /**
     * Whether marshal data holds a code object at its top: its first byte is marshal's type code
     * {@code 'c'} (with or without the reference flag, 0x80). The bootstrap then needs no check of
     * its own: {@code marshal.loads} returns a code object or raises.
     */
    static boolean holdsCode(byte[] marshal) {
        return marshal.length > 0 && (marshal[0] & 0x7f) == 'c';
    }

    /** Hands later injections of this Python version and user this library (tests: a broken one). */
    void useCompiledLib(TargetIdentity target, byte[] marshal) {
        compiledLib.put(libKey(target), marshal.clone());
    }

    /** Whether later injections of this Python version and user get a precompiled library. */
    boolean hasCompiledLib(TargetIdentity target) {
        return compiledLib.get(libKey(target)) != null;
    }

    private static ProcessKey key(TargetIdentity target) {
        return new ProcessKey(target.pid(), target.startTicks());
    }

    private static String libKey(TargetIdentity target) {
        return target.runtimeVersion() + ":" + target.uid();
    }

    /** The last {@value #KNOWN} processes identified, by pid, with their /proc files open. */
    private static final int KNOWN = 64;
    private final Map<Integer, KnownProcess> known = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, KnownProcess> e) {
                    if (size() > KNOWN) {
                        e.getValue().close();
                        return true;
                    }
                    return false;
                }
            });

}
