package dev.thaw.inject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The private directory of one injection, inside the target's root (e.g. {@code /tmp/thaw-inj-...}
 * as the target sees it, {@code /proc/PID/root/tmp/thaw-inj-...} from here). Mode 0700, owned by
 * the target's user: the target reads the payload and writes its results here, nobody else can.
 *
 * <p>The target's user owns the directory, so everything read back is opened without following
 * symbolic links: a planted link cannot make thaw read (and return) another file.
 */
public final class InjectionDir {

    public static final String CLAIM = "claim";
    public static final String STATUS = "status.json";
    public static final String OUTPUT = "output";
    public static final String OUTPUT_PART = "output.part";

    private static final Set<OpenOption> READ_NOFOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final String name;
    private final Path host;
    private final String inRoot;
    private final Path viaRootLink;
    private final int uid;
    private final int gid;
    private final boolean chown;
    private volatile boolean targetGone;

    InjectionDir(String name, Path host, String inRoot, Path viaRootLink, int uid, int gid, boolean chown) {
        this.name = name;
        this.host = host;
        this.inRoot = inRoot;
        this.viaRootLink = viaRootLink;
        this.uid = uid;
        this.gid = gid;
        this.chown = chown;
    }

    /** The directory's name, {@code thaw-inj-<owner>-<id>}. */
    public String name() {
        return name;
    }

    /** The directory as reachable from thaw (through {@code /proc/PID/root}). */
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

    /** The same directory through the target's root as seen from here, usable after the target exits; or null. */
    Path viaRootLink() {
        return viaRootLink;
    }

    /** Writes a new file (never an existing one), mode 0600, owned by the target's user. */
    public void writeFile(String file, byte[] content) throws IOException {
        Path p = host.resolve(file);
        // Created 0600 in one step (a umask can only take bits away), never over an existing file.
        try (SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PRIVATE_FILE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        giveToTarget(p);
    }

    void giveToTarget(Path p) throws IOException {
        if (chown) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
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
            Files.newByteChannel(host.resolve(CLAIM), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)).close();
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // The directory is gone (target exited): nothing can run it any more either.
            return !Files.exists(host.resolve(CLAIM), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Whether the run-once guard exists. While thaw waits for a delivery only the target creates it
     * (thaw takes it only to end an injection), so it means: picked up, even before any status.
     */
    public boolean claimTaken() {
        return Files.exists(host.resolve(CLAIM), LinkOption.NOFOLLOW_LINKS);
    }

    /** The target exited: {@code /proc/PID/root} leads nowhere now. */
    void markTargetGone() {
        targetGone = true;
    }

    /**
     * Opens a file of the directory for reading: through {@code /proc/PID/root} while the target
     * lives, then through the root's path as seen from here (a chroot), so the output of a target
     * that just exited is still read.
     */
    private SeekableByteChannel open(String file) throws IOException {
        Path base = targetGone && viaRootLink != null ? viaRootLink : host;
        return Files.newByteChannel(base.resolve(file), READ_NOFOLLOW);
    }

    /**
     * Whether a file exists, as a hint before reading it: one lstat call (a failed open would cost
     * an open plus a NoSuchFileException with its stack trace each time, and a waiter asks many
     * times before the target writes its first status).
     */
    public boolean present(String file) {
        Path base = targetGone && viaRootLink != null ? viaRootLink : host;
        // Without following links: the directory belongs to the target's user, and a link planted
        // there (into a FUSE mount, say) must not be able to stall thaw's waiting thread.
        return Files.exists(base.resolve(file), LinkOption.NOFOLLOW_LINKS);
    }

    /** Reads a whole small file, or empty when it does not exist (yet). */
    public Optional<byte[]> read(String file, int max) {
        try (SeekableByteChannel ch = open(file)) {
            long size = Math.min(ch.size(), max);
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return Optional.of(b.flip().remaining() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.limit()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Up to {@code max} bytes of a file from {@code offset}; empty array past its end or when it is missing. */
    public byte[] readRange(String file, long offset, int max) {
        try (SeekableByteChannel ch = open(file)) {
            long size = ch.size();
            if (offset >= size) {
                return new byte[0];
            }
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, size - offset));
            ch.position(offset);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return java.util.Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The size of a file, or -1 when it does not exist. */
    public long size(String file) {
        try (SeekableByteChannel ch = open(file)) {
            return ch.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Removes the directory and everything in it (links are removed, never followed). */
    public boolean delete() {
        boolean gone = deleteTree(host);
        // After the target exited, /proc/PID/root no longer leads anywhere ("gone" proves nothing):
        // the directory is still on disk, reachable through the root's path as seen from here.
        if (viaRootLink != null && Files.exists(viaRootLink, LinkOption.NOFOLLOW_LINKS)) {
            gone = deleteTree(viaRootLink);
        }
        return gone;
    }

    boolean exists() {
        return Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)
                || (viaRootLink != null && Files.isDirectory(viaRootLink, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Deletes a tree without following links; true when it no longer exists. Retried a few times: a
     * script that outlived its wait may be writing a file into it at that very moment.
     */
    static boolean deleteTree(Path dir) {
        for (int attempt = 0; attempt < 5; attempt++) {
            if (deleteTreeOnce(dir)) {
                return true;
            }
        }
        return false;
    }

    private static boolean deleteTreeOnce(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
        }
    }

    @Override
    public String toString() {
        return inRoot;
    }
}
