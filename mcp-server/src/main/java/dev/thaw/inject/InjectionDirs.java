package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.proc.MountInfo;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
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
 * <p>Everything here works through directory descriptors ({@link SafeDir}): a target's temporary
 * directory is opened from its root one component at a time without following links, and a stale
 * directory is removed only when it is provably thaw's: a directory, mode 0700, holding thaw's
 * marker (a file owned by thaw's user naming the owner), its files by descriptor, never entering a
 * subdirectory. Sweeps run on their own thread, which nothing waits for.
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
    /** The name of a directory while thaw sets it up, before the target's user gets it. */
    static final String STAGING = ".thaw-new-";
    private static final Pattern NAME = Pattern.compile("(?:thaw-inj-|\\.thaw-new-)(\\d+)\\.(\\d+)-.+");
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
    private final Map<ProcessKey, Placement> placements = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ProcessKey, Placement> e) {
                    return size() > 64;
                }
            });
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    private final java.nio.file.attribute.UserPrincipal myUser;
    private final ExecutorService sweeper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "thaw-inject-sweep");
        t.setDaemon(true);
        return t;
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
        ProcessKey me = ProcessKey.of(proc, self);
        this.owner = me.pid() + "." + me.startTicks(); // a dot, not '@': the form directory names have always had
        int[] ids = ids(proc, self);
        this.myUid = ids[0];
        this.myGid = ids[1];
        this.myUser = principal(myUid);
    }

    private static java.nio.file.attribute.UserPrincipal principal(int uid) {
        try {
            return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(Integer.toString(uid));
        } catch (IOException e) {
            return null; // no marker then matches: the sweep removes nothing
        }
    }

    /** The directories of this user's thaw, journalled under {@code $XDG_STATE_HOME/thaw/injections}. */
    public static InjectionDirs standard(ProcFs proc) {
        return new InjectionDirs(proc, dev.thaw.StateDirs.base().resolve("injections"));
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
            sweepRootLater(target.pid());
        }
        IOException last = null;
        for (String tmp : candidates) {
            SafeDir parent;
            try {
                parent = openTempDir(root, tmp, target.uid());
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                last = e;
                continue;
            }
            Path viaParent = known != null ? known.viaParent() : viaRootLink(target.pid(), tmp);
            if (viaParent != null) {
                journal(viaParent); // write-ahead: a crash right after mkdir must find the place in the journal
            }
            try {
                InjectionDir dir = makeDir(parent, root.resolve(tmp.substring(1)), tmp, injectionId, target);
                placements.put(target.key(), new Placement(tmp, viaParent, SHM.equals(tmp) ? roomFor : Long.MAX_VALUE));
                live.add(dir);
                return dir;
            } catch (FileAlreadyExistsException e) {
                parent.close();
                throw new ThawException(ErrorCode.INJECTION_DIR_EXISTS, "The injection directory " + tmp + "/" + name
                        + " already exists in the target's root.", "Retry: thaw picks a new name each time.", e);
            } catch (SafeDir.Tampered e) {
                parent.close();
                throw new ThawException(ErrorCode.TAMPERED, "Someone changed thaw's new injection directory in the target's "
                        + tmp + " while thaw set it up: " + e.getMessage() + ". Nothing was written or delivered.",
                        "Find out who else writes into the target's " + tmp + " (a process of the target's user, or"
                        + " root inside its container); thaw will not deliver through a directory it cannot trust.", e);
            } catch (IOException e) {
                parent.close();
                last = e;
            }
        }
        if (known != null) {
            placements.remove(target.key());
            return create(target, injectionId); // the target's temporary directory changed: look again
        }
        throw new ThawException(ErrorCode.NO_WRITABLE_TEMP, "Cannot create a private directory in the target's "
                + String.join(", ", TEMP_DIRS) + " (through " + root + "): "
                + (last == null ? "none of them exists" : last.getMessage()) + ".",
                "thaw needs a writable temporary directory inside the target's root; check its /tmp.", last);
    }

    /**
     * Opens a temporary directory of the target's root by descriptor, one component at a time
     * without following links (a container's /tmp may be a link to the host's /etc: through
     * /proc/PID/root an absolute link would resolve against thaw's root). It must be a place only
     * its owner can change: owned by root, the owner of the target's root directory (a container's
     * root in a user namespace), thaw's user or the target's user, and sticky if others may write
     * it (as /tmp is), so nobody else can rename what thaw puts there.
     */
    SafeDir openTempDir(Path root, String tmp, int targetUid) throws IOException {
        SafeDir r = SafeDir.openTrusted(root);
        SafeDir p;
        try {
            p = r.openPath(tmp.substring(1));
        } finally {
            r.close();
        }
        try {
            Map<String, Object> a = unixAttributes(root.resolve(tmp.substring(1)));
            if (!java.util.Objects.equals(a.get("fileKey"), p.attributes().fileKey())) {
                throw new SafeDir.Tampered(tmp + " changed while thaw opened it");
            }
            int uid = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            if (uid != 0 && uid != myUid && uid != targetUid && uid != rootOwner(root)) {
                throw new IOException(tmp + " belongs to uid " + uid + ", neither root (the host's or the target's"
                        + " container's) nor the target's user");
            }
            if ((mode & 0022) != 0 && (mode & 01000) == 0) {
                throw new IOException(tmp + " may be written by others and is not sticky (mode "
                        + Integer.toOctalString(mode & 07777) + ")");
            }
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** The owner of the target's root directory: root of its container (a mapped uid in a user namespace). */
    private static int rootOwner(Path root) {
        try {
            return (Integer) Files.getAttribute(root, "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code unix:uid,mode,fileKey} of a path, without following its last component. */
    static Map<String, Object> unixAttributes(Path p) throws IOException {
        return Files.readAttributes(p, "unix:uid,gid,mode,fileKey", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Makes the injection's directory under its staging name, owned by thaw and 0700, and proves
     * that the directory made by path is the one now held by descriptor (mkdir has no descriptor
     * form in Java). Then writes thaw's marker into it.
     */
    private InjectionDir makeDir(SafeDir parent, Path parentPath, String tmp, String injectionId, TargetIdentity target)
            throws IOException {
        String name = PREFIX + owner + "-" + injectionId;
        String staging = STAGING + owner + "-" + injectionId;
        Path stagingPath = parentPath.resolve(staging);
        // mkdir works by path: right before it, the path (resolved as mkdir will resolve it) must still
        // lead to the directory held by descriptor, or a temporary directory swapped for a link since it
        // was opened would have root make a directory wherever the link points.
        Object heldKey = parent.attributes().fileKey();
        if (!java.util.Objects.equals(Files.readAttributes(parentPath, "unix:fileKey").get("fileKey"), heldKey)) {
            throw new SafeDir.Tampered(tmp + " was replaced after thaw opened it");
        }
        // createDirectory never follows or reuses an existing entry: a planted link or dir fails here.
        Files.createDirectory(stagingPath, PRIVATE_DIR);
        SafeDir d = null;
        try {
            d = parent.openDir(staging);
            java.nio.file.attribute.PosixFileAttributes a = d.attributes();
            Map<String, Object> byPath = unixAttributes(stagingPath);
            if (!java.util.Objects.equals(byPath.get("fileKey"), a.fileKey()) || (Integer) byPath.get("uid") != myUid
                    || ((Integer) byPath.get("mode") & 0777) != 0700) {
                throw new SafeDir.Tampered(tmp + "/" + staging + " is not the private directory thaw just made");
            }
            d.createFile(InjectionDir.MARKER, (owner + " " + target.key()).getBytes(StandardCharsets.US_ASCII),
                    InjectionDir.PRIVATE_MODE);
            boolean chown = target.uid() != myUid || target.gid() != myGid;
            var lookup = parentPath.getFileSystem().getUserPrincipalLookupService();
            InjectionDir made = new InjectionDir(name, staging, parentPath.resolve(name), tmp + "/" + name, parent, d, a.fileKey(),
                    chown ? lookup.lookupPrincipalByName(Integer.toString(target.uid())) : null,
                    chown ? lookup.lookupPrincipalByGroupName(Integer.toString(target.gid())) : null);
            made.holdAlive();
            return made;
        } catch (IOException | RuntimeException e) {
            if (d != null) {
                try {
                    d.emptyFiles();
                    parent.deleteDirectory(staging);
                } catch (IOException | RuntimeException ignored) {
                    // the sweep removes it later (it carries the marker) or it was never ours
                }
                d.close();
            } else {
                // Made by path but not the one found by descriptor: it may be somewhere a swapped link led.
                LOG.warn("{}: the directory thaw made at {} is not the one it holds; left in place (empty)",
                        injectionId, stagingPath);
            }
            throw e;
        }
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
            MountInfo.Mount m = MountInfo.holding(MountInfo.parse(Files.readString(proc.pidDir(pid).resolve("mountinfo"))), SHM);
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
        live.remove(dir);
        if (!gone) {
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

    /**
     * Removes every directory of this thaw still there, and the journal (server exit). Everything
     * runs on the clean-up thread and is waited for a bounded time: a file system the target
     * controls (a FUSE mount, say) must not be able to hold the server's exit.
     */
    @Override
    public void close() {
        for (InjectionDir d : List.copyOf(live)) {
            remove(d);
        }
        Set<String> places;
        synchronized (journalled) {
            places = new LinkedHashSet<>(journalled);
        }
        removing.incrementAndGet();
        try {
            remover.execute(() -> {
                try {
                    for (String tmp : places) {
                        sweepHostDir(tmp, owner);
                    }
                } finally {
                    removing.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            removing.decrementAndGet();
        }
        boolean done = awaitRemovals(CLOSE_WAIT);
        remover.shutdown();
        sweeper.shutdownNow();
        if (!done) {
            LOG.warn("injection directories still being removed after {} s; leaving the rest to the next start",
                    CLOSE_WAIT.toSeconds());
            return; // the journal stays: the next thaw finds what is left
        }
        try {
            if (journalDir != null) {
                Files.deleteIfExists(journalFile());
            }
        } catch (IOException e) {
            LOG.debug("cannot remove journal {}: {}", journalFile(), e.toString());
        }
    }

    /**
     * Runs {@link #sweepStale} on the sweep thread (the one that sweeps targets' roots): a server's
     * start waits for none of it.
     */
    public void sweepStaleLater() {
        try {
            sweeper.execute(() -> {
                try {
                    int n = sweepStale();
                    if (n > 0) {
                        LOG.info("removed {} injection directories left by a previous thaw", n);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("sweeping stale injection directories failed: {}", e.toString());
                }
            });
        } catch (RuntimeException e) {
            // shutting down
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
            removed += sweepHostDir(p, null);
        }
        return removed;
    }

    /**
     * Sweeps a target's temporary directories once per root per server, on the sweep thread: a
     * sweep opens directories other users own, and nothing may wait for that.
     */
    void sweepRootLater(int pid) {
        try {
            sweeper.execute(() -> sweepRoot(pid));
        } catch (RuntimeException e) {
            // shutting down
        }
    }

    /** Removes stale directories from a target's temporary directories, once per root per server. */
    int sweepRoot(int pid) {
        Path root = proc.targetRoot(pid);
        String key;
        try {
            key = Files.getAttribute(root, "unix:dev") + ":" + Files.getAttribute(root, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        if (!sweptRoots.add(key)) {
            return 0;
        }
        int removed = 0;
        for (String tmp : TEMP_DIRS) {
            try (SafeDir r = SafeDir.openTrusted(root); SafeDir d = r.openPath(tmp.substring(1))) {
                removed += sweepDir(d, null);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot sweep {} of process {}: {}", tmp, pid, e.toString());
            }
        }
        return removed;
    }

    /** Sweeps a temporary directory named by a path valid here, opened from / one component at a time. */
    private int sweepHostDir(String tmp, String onlyOwner) {
        if (!tmp.startsWith("/")) {
            return 0;
        }
        try (SafeDir r = SafeDir.openTrusted(Path.of("/")); SafeDir d = r.openPath(tmp.substring(1))) {
            return sweepDir(d, onlyOwner);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot sweep {}: {}", tmp, e.toString());
            return 0;
        }
    }

    /**
     * Removes the directories of dead owners (or, with {@code onlyOwner}, those of that owner) that
     * are provably thaw's: a directory (not a link), mode 0700, holding thaw's marker, a regular
     * file owned by thaw's user whose content is the owner its name claims. Only the files directly
     * in it are removed, by descriptor; a subdirectory is never entered.
     */
    private int sweepDir(SafeDir tmp, String onlyOwner) {
        int removed = 0;
        List<String> names;
        try {
            names = tmp.list();
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", tmp, e.toString());
            return 0;
        }
        for (String n : names) {
            Matcher m = NAME.matcher(n);
            if (!m.matches()) {
                continue;
            }
            String who = m.group(1) + "." + m.group(2);
            boolean remove = onlyOwner != null ? who.equals(onlyOwner) : !who.equals(owner) && !ownerAlive(who);
            if (remove && removeIfThaws(tmp, n, who)) {
                LOG.info("removed stale injection directory {}/{}", tmp, n);
                removed++;
            }
        }
        return removed;
    }

    private boolean removeIfThaws(SafeDir tmp, String n, String who) {
        try {
            var a = tmp.lstat(n);
            if (a.isEmpty() || !a.get().isDirectory()
                    || !a.get().permissions().equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))) {
                return false;
            }
            try (SafeDir d = tmp.openDir(n)) {
                var marker = d.lstat(InjectionDir.MARKER);
                if (marker.isEmpty() || !marker.get().isRegularFile() || !marker.get().owner().equals(myUser)
                        || marker.get().size() > 128) {
                    return false;
                }
                String[] mark = new String(d.read(InjectionDir.MARKER, 0, 128).orElse(new byte[0]),
                        StandardCharsets.US_ASCII).split(" ");
                if (!who.equals(mark[0])) {
                    return false;
                }
                if (mark.length > 1 && !d.exists(InjectionDir.CLAIM) && targetAlive(mark[1])) {
                    // Never picked up, and its process lives: a thread may still be armed with its
                    // path, and would print an error on the target's stderr for a missing file.
                    // That thread's bootstrap removes the directory itself (its server is gone).
                    LOG.debug("leaving {}/{}: its target {} lives and may still pick it up", tmp, n, mark[1]);
                    return false;
                }
                List<String> left = d.emptyFiles();
                if (!left.isEmpty()) {
                    LOG.warn("left stale injection directory {}/{}: it holds directories thaw did not create ({})",
                            tmp, n, left);
                    return false;
                }
                var now = tmp.lstat(n);
                if (now.isPresent() && java.util.Objects.equals(now.get().fileKey(), d.attributes().fileKey())) {
                    tmp.deleteDirectory(n);
                    return true;
                }
                return false;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("not removing {}/{}: {}", tmp, n, e.toString());
            return false;
        }
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

    /** Whether the process of a {@code <pid>@<startTicks>} key lives (as this thaw sees pids). */
    private boolean targetAlive(String key) {
        try {
            return TargetIdentity.alive(proc, ProcessKey.parse(key));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean ownerAlive(String who) {
        int dot = who.indexOf('.');
        if (dot < 0) {
            return true; // not ours to judge
        }
        ProcessKey key;
        try {
            key = new ProcessKey(Integer.parseInt(who.substring(0, dot)), Long.parseLong(who.substring(dot + 1)));
        } catch (NumberFormatException e) {
            return true;
        }
        return TargetIdentity.alive(proc, key);
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
