package dev.thaw.inject;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The private directory of one injection, inside the target's root (e.g. {@code /tmp/thaw-inj-...}
 * as the target sees it, {@code /proc/PID/root/tmp/thaw-inj-...} from here), held open by
 * descriptor together with its parent.
 *
 * <p>Its life: thaw creates it under a staging name ({@code .thaw-new-...}), owned by thaw, mode
 * 0700; writes its marker and everything the target reads (files 0644, readable by the target's
 * user through the directory once it is theirs, by nobody else); then {@link #handOver hands it
 * over}: gives the directory to the target's user and renames it to its final name. After that the
 * target's user can change anything in it, so thaw only reads, creates new files with
 * {@code O_EXCL}, renames and deletes entries relative to the descriptor, never following a link,
 * and reads only regular files ({@link SafeDir}). Anything else where a file is expected marks the
 * directory {@link #tampered()}.
 */
public final class InjectionDir {

    public static final String CLAIM = "claim";
    public static final String STATUS = "status.json";
    public static final String OUTPUT = "output";
    public static final String OUTPUT_PART = "output.part";
    /** thaw's mark: a file only thaw's user can have created, naming the server that made the directory. */
    static final String MARKER = ".thaw";
    /**
     * Locked (fcntl, exclusive) by the server for as long as it follows the injection. The target's
     * bootstrap tests the lock before it runs anything: unlocked means the server is gone (the
     * kernel drops a dead process's locks), and a script nobody records must not run.
     */
    static final String ALIVE = "alive";

    static final Set<PosixFilePermission> PAYLOAD_MODE = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    static final Set<PosixFilePermission> PRIVATE_MODE = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final String name;
    private final String staging;
    private final Path host;
    private final String inRoot;
    private final SafeDir parent;
    private final SafeDir dir;
    private final Object key;
    private final UserPrincipal user;
    private final GroupPrincipal group;
    private volatile java.nio.channels.FileChannel alive;
    private volatile boolean handedOver;
    private volatile String tampered;
    private volatile boolean closed;

    InjectionDir(String name, String staging, Path host, String inRoot, SafeDir parent, SafeDir dir, Object key,
                 UserPrincipal user, GroupPrincipal group) {
        this.name = name;
        this.staging = staging;
        this.host = host;
        this.inRoot = inRoot;
        this.parent = parent;
        this.dir = dir;
        this.key = key;
        this.user = user;
        this.group = group;
    }

    /** Creates and locks {@link #ALIVE}: the bootstrap runs nothing unless this server holds it. */
    void holdAlive() throws IOException {
        alive = dir.createLocked(ALIVE, PAYLOAD_MODE);
    }

    /** The directory's name, {@code thaw-inj-<owner>-<id>}. */
    public String name() {
        return name;
    }

    /** The directory as reachable from thaw by path (for messages: thaw works through descriptors). */
    public Path hostPath() {
        return host;
    }

    /** The directory as the target sees it. */
    public String inRootPath() {
        return inRoot;
    }

    /** A file of the directory as the target sees it: what is handed to the target. */
    public String inRoot(String file) {
        return inRoot + "/" + file;
    }

    /**
     * Writes a new file (never an existing one, never through a link), readable by the target's user
     * once the directory is theirs. Before {@link #handOver} nobody else can enter the directory;
     * after it, the file is still created inside the directory the descriptor holds, wherever that
     * was renamed to.
     */
    public void writeFile(String file, byte[] content) throws IOException {
        dir.createFile(file, content, PAYLOAD_MODE);
    }

    /**
     * Gives the directory to the target's user (when that is another user) and renames it to its
     * final name; from now on the target can find it. Called once thaw has written all it writes
     * before delivery.
     */
    public void handOver() {
        if (handedOver) {
            return;
        }
        try {
            if (user != null) {
                dir.chownSelf(user, group);
            }
            parent.rename(staging, name);
            dir.relabel(host.toString());
            if (!sameAsHeld(name)) {
                throw new SafeDir.Tampered(parent.where() + "/" + name + " is not the directory thaw created");
            }
            handedOver = true;
        } catch (SafeDir.Tampered e) {
            throw new dev.thaw.ThawException(dev.thaw.ErrorCode.TAMPERED, "Someone changed thaw's injection directory " + host
                    + " while thaw set it up: " + e.getMessage() + ". Nothing was delivered.",
                    "Find out who else writes into the target's temporary directory (a process of the target's user,"
                    + " or root inside its container); thaw will not deliver through a directory it cannot trust.", e);
        } catch (IOException e) {
            throw new dev.thaw.ThawException(dev.thaw.ErrorCode.PAYLOAD_UNWRITABLE, "Cannot hand the injection directory " + host
                    + " to the target's user: " + e.getMessage() + ".",
                    "Check that thaw may change owners there (root, or CAP_CHOWN), and the target's temporary directory.", e);
        }
    }

    /** Whether the entry {@code entry} of the parent is the directory this descriptor holds. */
    private boolean sameAsHeld(String entry) {
        try {
            Optional<PosixFileAttributes> a = parent.lstat(entry);
            return a.isPresent() && a.get().isDirectory() && Objects.equals(a.get().fileKey(), key);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Takes the run-once guard. The target's bootstrap does the same first thing; whoever creates
     * the file first wins. thaw takes it to cancel a delivery that has not started: after that the
     * payload can never run, even if an armed thread reaches its safe point a moment later.
     *
     * @return true when thaw got it (the payload never started); false when the target had it
     */
    public boolean claim() {
        try {
            return dir.createEmpty(CLAIM, PRIVATE_MODE);
        } catch (IOException | RuntimeException e) {
            // Cannot create it (the file system is gone with the target): nothing can run it any more either.
            return !dir.exists(CLAIM);
        }
    }

    /**
     * Whether the run-once guard exists. While thaw waits for a delivery only the target creates it
     * (thaw takes it only to end an injection), so it means: picked up, even before any status.
     */
    public boolean claimTaken() {
        return dir.exists(CLAIM);
    }

    /** Whether an entry exists, as a cheap hint before reading it (one fstatat, no link followed). */
    public boolean present(String file) {
        return dir.exists(file);
    }

    /** Reads a whole small file, or empty when it does not exist (yet) or is not a regular file. */
    public Optional<byte[]> read(String file, int max) {
        return readAt(file, 0, max);
    }

    /** Up to {@code max} bytes of a file from {@code offset}; empty array past its end or when it is missing. */
    public byte[] readRange(String file, long offset, int max) {
        return readAt(file, offset, max).orElse(new byte[0]);
    }

    private Optional<byte[]> readAt(String file, long offset, int max) {
        try {
            return dir.read(file, offset, max);
        } catch (SafeDir.Tampered e) {
            if (tampered == null) {
                tampered = e.getMessage();
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The size of a file, or -1 when it does not exist. */
    public long size(String file) {
        try {
            return dir.size(file);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Renames a file within the directory (a link is moved, never followed). */
    public void rename(String from, String to) throws IOException {
        dir.rename(from, to);
    }

    /**
     * The first sign that someone put something other than a regular file where thaw reads one (a
     * FIFO, socket, device, link or directory), or null.
     */
    public String tampered() {
        return tampered;
    }

    /**
     * Removes the directory: its files by descriptor, then the directory itself when the name in
     * its parent still leads to it. Subdirectories (thaw makes none) are left in place: entering one
     * means opening it, and the target's user could swap a FIFO in at that moment.
     *
     * @return true when it is gone
     */
    public boolean delete() {
        if (closed) {
            return true;
        }
        List<String> left = List.of();
        // Retried a few times: a script that outlived its wait may be creating a file at that very moment.
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                left = dir.emptyFiles();
                String entry = handedOver ? name : staging;
                if (!left.isEmpty()) {
                    break;
                }
                if (sameAsHeld(entry)) {
                    parent.deleteDirectory(entry);
                }
                // else its owner renamed it: emptied, it is theirs now
                close();
                return true;
            } catch (java.nio.file.NoSuchFileException e) {
                close();
                return true;
            } catch (IOException | RuntimeException e) {
                // not empty any more, or the file system is going away with the target: look again
            }
        }
        if (!left.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(InjectionDir.class).warn("left {} in place: it holds directories thaw did"
                    + " not create ({}), which thaw does not enter", host, left);
        }
        close();
        return false;
    }

    /** Releases the descriptors (after {@link #delete}, or when giving up on the directory). */
    void close() {
        closed = true;
        java.nio.channels.FileChannel a = alive;
        if (a != null) {
            try {
                a.close(); // releases the lock
            } catch (IOException e) {
                // nothing left to release
            }
        }
        dir.close();
        parent.close();
    }

    @Override
    public String toString() {
        return inRoot;
    }
}
