package dev.thaw.inject;

import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates injection directories and makes sure none outlives its use.
 *
 * <p>Names carry their owner: {@code thaw-inj-<ownerPid>.<ownerStartTicks>-<injectionId>}. A
 * directory whose owner (the thaw process that created it) is no longer alive is stale: a crashed
 * thaw left it. Stale directories are removed at start (in the temporary directories this user's
 * earlier thaw processes used, from their journals, and in the host's) and the first time thaw
 * touches a target's root.
 *
 * <p>The journal ({@code $XDG_STATE_HOME/thaw/injections/<owner>.json}) lists the temporary
 * directories this thaw has created directories in, as paths valid here (a chroot's
 * {@code /var/lib/thaw/sid/tmp}), so a directory inside a chroot whose target died with the server
 * is still found. It changes only when a new one appears: nothing is written per injection.
 *
 * <p>Removal of a finished injection's directory happens on a background thread, right after the
 * result is known, so the caller's answer does not wait for the file system.
 */
public final class InjectionDirs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InjectionDirs.class);
    static final String PREFIX = "thaw-inj-";
    private static final Pattern NAME = Pattern.compile("thaw-inj-(\\d+)\\.(\\d+)-.+");
    /**
     * Where a directory may go inside the target's root, in order of preference, when {@link #SHM}
     * does not qualify (and where stale directories are looked for).
     */
    static final List<String> TEMP_DIRS = List.of("/tmp", "/var/tmp", "/dev/shm");
    /**
     * Preferred when, in the target's mount namespace, it is a writable tmpfs with room for
     * {@value #SHM_ROOM_FACTOR} times the output cap: every file the target writes (claim, status,
     * output) then costs it tens of microseconds instead of hundreds on a disk-backed /tmp.
     */
    static final String SHM = "/dev/shm";
    static final int SHM_ROOM_FACTOR = 4;
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final ProcFs proc;
    private final Path journalDir;
    private final String owner;
    private final int myUid;
    private final int myGid;
    private final Set<String> journalled = new LinkedHashSet<>();
    private final Set<String> sweptRoots = ConcurrentHashMap.newKeySet();
    private final Set<InjectionDir> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Placement> placements = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Placement> e) {
                    return size() > 64;
                }
            });
    private final AtomicInteger removing = new AtomicInteger();
    private final ExecutorService remover = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "thaw-inject-cleanup");
        t.setDaemon(true);
        return t;
    });

    public InjectionDirs(ProcFs proc, Path journalDir) {
        this.proc = proc;
        this.journalDir = journalDir;
        int self = (int) ProcessHandle.current().pid();
        this.owner = self + "." + proc.stat(self).startTimeTicks();
        int[] ids = ids(proc, self);
        this.myUid = ids[0];
        this.myGid = ids[1];
    }

    /** The directories of this user's thaw, journalled under {@code $XDG_STATE_HOME/thaw/injections}. */
    public static InjectionDirs standard(ProcFs proc) {
        return new InjectionDirs(proc, dev.thaw.session.StateDirs.base().resolve("injections"));
    }

    /** {@code <pid>.<startTicks>} of this process: what makes its directories recognisable. */
    public String owner() {
        return owner;
    }

    /**
     * Where a target's directories go, found once per target (pid + start time).
     *
     * @param roomFor the largest output cap the place was checked for ({@link #SHM} only)
     */
    private record Placement(String tmp, Path viaParent, long roomFor) {
    }

    /** Creates the private directory of an injection with the default output cap. */
    public InjectionDir create(TargetIdentity target, String injectionId) {
        return create(target, injectionId, InjectionRequest.DEFAULT_OUTPUT_CAP);
    }

    /**
     * Creates the private directory of an injection inside the target's root: in its /dev/shm when
     * that qualifies ({@link #shmFits}), else in its /tmp, /var/tmp or (last resort) /dev/shm.
     */
    public InjectionDir create(TargetIdentity target, String injectionId, long outputCap) {
        String name = PREFIX + owner + "-" + injectionId;
        Path root = proc.targetRoot(target.pid());
        Placement known = placements.get(target.key());
        if (known != null && outputCap > known.roomFor()) {
            known = null; // checked for a smaller cap: look again
        }
        if (known != null && SHM.equals(known.tmp()) && !shmHasRoom(root, outputCap)) {
            // The application may fill its own /dev/shm (shared memory, semaphores) at any time:
            // thaw's output must never be what makes it run out, so look again every time.
            placements.remove(target.key());
            known = null;
        }
        List<String> candidates;
        long roomFor = Long.MAX_VALUE;
        if (known != null) {
            candidates = List.of(known.tmp());
            roomFor = known.roomFor();
        } else if (shmFits(target.pid(), outputCap)) {
            candidates = List.of(SHM, "/tmp", "/var/tmp");
            roomFor = outputCap;
        } else {
            candidates = TEMP_DIRS;
        }
        if (known == null) {
            sweepRoot(target.pid());
        }
        IOException last = null;
        for (String tmp : candidates) {
            Path parent = root.resolve(tmp.substring(1));
            if (known == null && !Files.isDirectory(parent)) {
                continue;
            }
            Path host = parent.resolve(name);
            Path viaParent = known != null ? known.viaParent() : viaRootLink(target.pid(), tmp);
            if (viaParent != null) {
                journal(viaParent); // write-ahead: a crash right after mkdir must find the place in the journal
            }
            try {
                // createDirectory never follows or reuses an existing entry: a planted link or dir fails here.
                Files.createDirectory(host, PRIVATE_DIR);
                placements.put(target.key(), new Placement(tmp, viaParent, SHM.equals(tmp) ? roomFor : Long.MAX_VALUE));
                boolean chown = target.uid() != myUid || target.gid() != myGid;
                InjectionDir dir = new InjectionDir(name, host, tmp + "/" + name,
                        viaParent == null ? null : viaParent.resolve(name), target.uid(), target.gid(), chown);
                live.add(dir);
                dir.giveToTarget(host);
                return dir;
            } catch (FileAlreadyExistsException e) {
                throw new ThawException("injection_dir_exists", "The injection directory " + tmp + "/" + name
                        + " already exists in the target's root.", "Retry: thaw picks a new name each time.", e);
            } catch (IOException e) {
                last = e;
                InjectionDir.deleteTree(host);
            }
        }
        if (known != null) {
            placements.remove(target.key());
            return create(target, injectionId); // the target's temporary directory changed: look again
        }
        throw new ThawException("no_writable_temp", "Cannot create a private directory in the target's "
                + String.join(", ", TEMP_DIRS) + " (through " + root + "): "
                + (last == null ? "none of them exists" : last.getMessage()) + ".",
                "thaw needs a writable temporary directory inside the target's root; check its /tmp.", last);
    }

    /**
     * Whether the target's /dev/shm, as its mount namespace sees it ({@code /proc/PID/mountinfo},
     * whose mount points are relative to the target's root), is a read-write tmpfs with at least
     * {@value #SHM_ROOM_FACTOR} times {@code outputCap} free. The trade-off: tmpfs pages are memory
     * (charged to the writing process's cgroup), bounded here by the output cap and freed as soon
     * as the directory is removed.
     */
    boolean shmFits(int pid, long outputCap) {
        try {
            Mount m = mountAt(Files.readString(proc.pidDir(pid).resolve("mountinfo")), SHM);
            if (m == null || !"tmpfs".equals(m.fsType()) || m.readOnly()) {
                return false;
            }
            return shmHasRoom(proc.targetRoot(pid), outputCap)
                    && cgroupHasRoom(proc, pid, outputCap, Path.of("/sys/fs/cgroup"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("pid {}: /dev/shm not considered: {}", pid, e.toString());
            return false;
        }
    }

    /** Free space of the target's /dev/shm against the cap: one statvfs (java.io's, no mount table scan). */
    private static boolean shmHasRoom(Path targetRoot, long outputCap) {
        long free = targetRoot.resolve(SHM.substring(1)).toFile().getUsableSpace(); // 0 when it cannot tell
        return free / SHM_ROOM_FACTOR >= outputCap;
    }

    /**
     * Whether the target's memory cgroup (v2) and its parents leave room for what it would write to
     * tmpfs (charged to it, not reclaimable without swap): a container close to its limit keeps the
     * disk-backed /tmp instead. True when there is no limit or it cannot be read (cgroup v1).
     */
    static boolean cgroupHasRoom(ProcFs proc, int pid, long outputCap, Path top) {
        try {
            String v2 = Files.readAllLines(proc.pidDir(pid).resolve("cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).findFirst().orElse(null);
            if (v2 == null) {
                return true;
            }
            for (Path dir = top.resolve(v2.substring(3).replaceFirst("^/+", "")); dir != null && dir.startsWith(top);
                 dir = dir.getParent()) {
                Path max = dir.resolve("memory.max");
                Path current = dir.resolve("memory.current");
                if (!Files.isReadable(max) || !Files.isReadable(current)) {
                    continue;
                }
                String limit = Files.readString(max).trim();
                if (!"max".equals(limit)
                        && Long.parseLong(limit) - Long.parseLong(Files.readString(current).trim()) < SHM_ROOM_FACTOR * outputCap) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true; // cannot tell: as before, /dev/shm's own free space decides
        }
    }

    /** A mount of a {@code mountinfo} file. */
    record Mount(String mountPoint, String fsType, boolean readOnly) {
    }

    /**
     * The mount that holds {@code path}: the longest mount point that is {@code path} or one of its
     * parents, the last one listed when several are stacked on the same point; null when none.
     */
    static Mount mountAt(String mountinfo, String path) {
        Mount best = null;
        for (String line : mountinfo.split("\n")) {
            // id parent major:minor root mountpoint options [optional fields] - fstype source superoptions
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 6 || dash + 1 >= f.length) {
                continue;
            }
            String point = unescape(f[4]);
            boolean holds = point.equals("/") || path.equals(point) || path.startsWith(point + "/");
            if (!holds || (best != null && point.length() < best.mountPoint().length())) {
                continue;
            }
            boolean ro = List.of(f[5].split(",")).contains("ro")
                    || (dash + 3 < f.length && List.of(f[dash + 3].split(",")).contains("ro"));
            best = new Mount(point, f[dash + 1], ro);
        }
        return best;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Removes a directory soon, on the clean-up thread. */
    public void remove(InjectionDir dir) {
        removing.incrementAndGet();
        try {
            remover.execute(() -> {
                try {
                    removeNow(dir);
                } finally {
                    removing.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            // shutting down: do it here
            removing.decrementAndGet();
            removeNow(dir);
        }
    }

    /** Removes a directory now. */
    public boolean removeNow(InjectionDir dir) {
        boolean gone = dir.delete();
        if (gone) {
            live.remove(dir);
        } else {
            LOG.warn("could not remove injection directory {}", dir.hostPath());
        }
        return gone;
    }

    /** Waits until the removals asked for so far are done (tests; shutdown). */
    public boolean awaitRemovals(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (removing.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return removing.get() == 0;
    }

    /** Directories created and not removed yet. */
    public int liveCount() {
        return live.size();
    }

    /** Removes every directory of this thaw still there, and the journal (server exit). */
    @Override
    public void close() {
        awaitRemovals(Duration.ofSeconds(5));
        remover.shutdownNow();
        for (InjectionDir d : List.copyOf(live)) {
            removeNow(d);
        }
        synchronized (journalled) {
            for (String tmp : journalled) {
                sweepDir(Path.of(tmp), owner);
            }
            try {
                if (journalDir != null) {
                    Files.deleteIfExists(journalFile());
                }
            } catch (IOException e) {
                LOG.debug("cannot remove journal {}: {}", journalFile(), e.toString());
            }
        }
    }

    /**
     * Start-up clean-up: stale directories in the temporary directories the journals of dead
     * owners list, and in the host's. Returns how many directories were removed.
     */
    public int sweepStale() {
        int removed = 0;
        Set<String> places = new LinkedHashSet<>(TEMP_DIRS);
        if (journalDir != null && Files.isDirectory(journalDir)) {
            try (DirectoryStream<Path> journals = Files.newDirectoryStream(journalDir, "*.json")) {
                for (Path j : journals) {
                    String who = j.getFileName().toString().replaceFirst("\\.json$", "");
                    if (who.equals(owner) || ownerAlive(who)) {
                        continue;
                    }
                    places.addAll(readJournal(j));
                    Files.deleteIfExists(j);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot read journals in {}: {}", journalDir, e.toString());
            }
        }
        for (String p : places) {
            removed += sweepDir(Path.of(p), null);
        }
        return removed;
    }

    /** Removes stale directories from a target's temporary directories, once per root per server. */
    int sweepRoot(int pid) {
        String key;
        try {
            key = Files.getAttribute(proc.targetRoot(pid), "unix:dev") + ":"
                    + Files.getAttribute(proc.targetRoot(pid), "unix:ino");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        if (!sweptRoots.add(key)) {
            return 0;
        }
        int removed = 0;
        for (String tmp : TEMP_DIRS) {
            removed += sweepDir(proc.targetRoot(pid).resolve(tmp.substring(1)), null);
        }
        return removed;
    }

    /** Removes the directories of dead owners (or, with {@code onlyOwner}, those of that owner). */
    private int sweepDir(Path tmp, String onlyOwner) {
        int removed = 0;
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path p : entries) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                String who = m.group(1) + "." + m.group(2);
                boolean remove = onlyOwner != null ? who.equals(onlyOwner) : !who.equals(owner) && !ownerAlive(who);
                if (remove && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && InjectionDir.deleteTree(p)) {
                    LOG.info("removed stale injection directory {}", p);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot sweep {}: {}", tmp, e.toString());
        }
        return removed;
    }

    @SuppressWarnings("unchecked")
    private static List<String> readJournal(Path journal) throws IOException {
        Map<String, Object> doc = Json.mapper().readValue(Files.readString(journal), Map.class);
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) doc.getOrDefault("tempDirs", List.of())) {
            if (o instanceof String s && s.startsWith("/")) {
                out.add(s);
            }
        }
        return out;
    }

    private void journal(Path tempDir) {
        if (journalDir == null) {
            return;
        }
        synchronized (journalled) {
            if (!journalled.add(tempDir.toString())) {
                return;
            }
            try {
                Files.createDirectories(journalDir);
                Path tmp = journalDir.resolve(owner + ".json.tmp");
                Files.writeString(tmp, Json.write(Map.of("owner", owner, "tempDirs", List.copyOf(journalled))),
                        StandardCharsets.UTF_8);
                Files.move(tmp, journalFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                LOG.debug("cannot write injection journal: {}", e.toString());
            }
        }
    }

    private Path journalFile() {
        return journalDir.resolve(owner + ".json");
    }

    /**
     * The target's temporary directory as a path valid here, when its root is reachable by path (same
     * mount namespace, e.g. a chroot); null in another mount namespace.
     */
    private Path viaRootLink(int pid, String tmp) {
        try {
            Path link = Files.readSymbolicLink(proc.targetRoot(pid));
            Path here = link.resolve(tmp.substring(1));
            // The same root, and the same directory under it: in a mount namespace of its own, the
            // target may have another file system mounted there (its own /dev/shm, say).
            if (link.isAbsolute() && Files.isSameFile(link, proc.targetRoot(pid))
                    && Files.isSameFile(here, proc.targetRoot(pid).resolve(tmp.substring(1)))) {
                return here;
            }
        } catch (IOException | RuntimeException e) {
            // another mount namespace: reachable only through /proc/PID/root while the target lives
        }
        return null;
    }

    private boolean ownerAlive(String who) {
        int dot = who.indexOf('.');
        if (dot < 0) {
            return true; // not ours to judge
        }
        try {
            int pid = Integer.parseInt(who.substring(0, dot));
            long ticks = Long.parseLong(who.substring(dot + 1));
            ProcStat s = proc.stat(pid);
            return s.startTimeTicks() == ticks && s.state() != 'Z';
        } catch (NumberFormatException e) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int[] ids(ProcFs proc, int pid) {
        try {
            var st = proc.status(pid);
            return new int[] {st.effectiveUid(), st.effectiveGid()};
        } catch (RuntimeException e) {
            return new int[] {-1, -1};
        }
    }
}
