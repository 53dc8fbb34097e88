package dev.thaw.inject;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One directory held open by descriptor ({@link SecureDirectoryStream}: openat, fstatat, unlinkat,
 * renameat relative to it), for directories another user (the target's) may change while thaw
 * works in them. Every entry is named by one path component and reached without following links,
 * so nothing done here can land outside the directory the descriptor holds, whatever is renamed
 * or swapped for a link meanwhile.
 *
 * <p>Reads never block on what a hostile user planted: an entry is read only when it is a regular
 * file (checked before the open, without following links), it is opened read-write (a FIFO swapped
 * in after the check opens at once instead of waiting for a writer), a FIFO or socket is then
 * refused by the seek every read starts with, and reads stop at the size the descriptor reports
 * (0 for a device). Anything but a regular file where one is expected is a {@link Tampered}.
 */
final class SafeDir implements Closeable {

    /** A file of the directory was not what thaw or the target's code puts there. */
    static final class Tampered extends IOException {
        Tampered(String message) {
            super(message);
        }
    }

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW);

    private final SecureDirectoryStream<Path> ds;
    private volatile String where;

    private SafeDir(SecureDirectoryStream<Path> ds, String where) {
        this.ds = ds;
        this.where = where;
    }

    /**
     * Opens a directory thaw trusts the path of ({@code /proc/PID/root}, the host's {@code /}) by
     * path; everything below it is then reached through {@link #openDir}.
     */
    static SafeDir openTrusted(Path dir) throws IOException {
        DirectoryStream<Path> s = Files.newDirectoryStream(dir);
        if (!(s instanceof SecureDirectoryStream<Path> sds)) {
            s.close();
            throw new IOException("directory descriptors are not supported here (" + dir + ")");
        }
        return new SafeDir(sds, dir.toString());
    }

    private String child(String name) {
        return where.endsWith("/") ? where + name : where + "/" + name;
    }

    /** The directory was renamed (by thaw): messages name it by its new path. */
    void relabel(String newWhere) {
        where = newWhere;
    }

    /** Where this directory is, for messages. */
    String where() {
        return where;
    }

    /**
     * Opens a subdirectory without following a link: it must be a directory when looked at, and the
     * same one once opened. A FIFO put in its place between the look and the open would hold the
     * open until a writer comes: only the directory's owner (or root) can do that swap, so callers
     * open only subdirectories of directories whose owner they trust, or accept that risk on a
     * thread nothing waits for.
     */
    SafeDir openDir(String name) throws IOException {
        PosixFileAttributes before = lstat(name).orElseThrow(() -> new NoSuchFileException(child(name)));
        if (!before.isDirectory()) {
            throw new Tampered(child(name) + " is " + kind(before) + ", not a directory");
        }
        SecureDirectoryStream<Path> sub = ds.newDirectoryStream(component(name), NOFOLLOW);
        SafeDir d = new SafeDir(sub, child(name));
        try {
            PosixFileAttributes after = d.attributes();
            if (!after.isDirectory() || !java.util.Objects.equals(after.fileKey(), before.fileKey())) {
                throw new Tampered(child(name) + " was replaced while thaw opened it");
            }
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Opens a path of several components below this directory ({@code var/tmp}), each without following links. */
    SafeDir openPath(String relative) throws IOException {
        SafeDir d = this;
        SafeDir opened = null;
        try {
            for (String part : relative.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                SafeDir next = d.openDir(part);
                if (opened != null) {
                    opened.close();
                }
                opened = next;
                d = next;
            }
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            throw e;
        }
        if (opened == null) {
            throw new IOException("empty path");
        }
        return opened;
    }

    /** The directory's own attributes (fstat of the descriptor). */
    PosixFileAttributes attributes() throws IOException {
        return ds.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /** An entry's attributes without following a link (fstatat); empty when there is none. */
    Optional<PosixFileAttributes> lstat(String name) throws IOException {
        try {
            return Optional.of(ds.getFileAttributeView(component(name), PosixFileAttributeView.class, NOFOLLOW)
                    .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Whether an entry exists (a link counts: it is not followed). */
    boolean exists(String name) {
        try {
            return lstat(name).isPresent();
        } catch (IOException | RuntimeException e) {
            return false; // a closed descriptor (the directory was removed) included
        }
    }

    /** Gives the directory itself to a user (fchown of the descriptor). */
    void chownSelf(UserPrincipal user, java.nio.file.attribute.GroupPrincipal group) throws IOException {
        PosixFileAttributeView v = ds.getFileAttributeView(PosixFileAttributeView.class);
        v.setGroup(group);
        v.setOwner(user);
    }

    /** Creates a new file (never an existing one, never through a link) with these bytes. */
    void createFile(String name, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
        try (SeekableByteChannel ch = ds.newByteChannel(component(name), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, NOFOLLOW), attr)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /**
     * Creates a new empty file and takes an exclusive lock (fcntl) on it, held until the returned
     * channel is closed or the process ends, whichever comes first.
     */
    java.nio.channels.FileChannel createLocked(String name, Set<PosixFilePermission> mode) throws IOException {
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
        java.nio.channels.FileChannel ch = (java.nio.channels.FileChannel) ds.newByteChannel(component(name),
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW), attr);
        try {
            if (ch.tryLock() == null) {
                throw new IOException("cannot lock " + child(name));
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Creates an empty file; false when the name is taken (by anything, a link included). */
    boolean createEmpty(String name, Set<PosixFilePermission> mode) throws IOException {
        try {
            createFile(name, new byte[0], mode);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Up to {@code max} bytes of a regular file from {@code offset}; empty when it does not exist.
     *
     * @throws Tampered the entry is a link, FIFO, socket, device or directory
     */
    Optional<byte[]> read(String name, long offset, int max) throws IOException {
        Optional<PosixFileAttributes> before = lstat(name);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        if (!before.get().isRegularFile()) {
            throw new Tampered(child(name) + " is " + kind(before.get()) + ", not a regular file");
        }
        SeekableByteChannel ch;
        try {
            ch = ds.newByteChannel(component(name), READ);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // replaced by the target's atomic rename a moment ago: no news yet
        }
        try (ch) {
            try {
                ch.position(offset); // a FIFO or socket cannot seek: swapped in after the look
            } catch (IOException e) {
                throw new Tampered(child(name) + " cannot seek (a FIFO or socket put in place of a file)");
            }
            long size = ch.size();
            if (offset >= size) {
                return Optional.of(new byte[0]);
            }
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, size - offset));
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return Optional.of(b.position() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position()));
        }
    }

    /** The size of a regular file, or -1 when there is none. */
    long size(String name) throws IOException {
        Optional<PosixFileAttributes> a = lstat(name);
        if (a.isEmpty()) {
            return -1;
        }
        if (!a.get().isRegularFile()) {
            throw new Tampered(child(name) + " is " + kind(a.get()) + ", not a regular file");
        }
        return a.get().size();
    }

    /** Renames an entry within this directory (renameat: a link is moved, never followed). */
    void rename(String from, String to) throws IOException {
        ds.move(component(from), ds, component(to));
    }

    /** Renames an entry into another directory held open. */
    void renameInto(String from, SafeDir other, String to) throws IOException {
        ds.move(component(from), other.ds, component(to));
    }

    /** The names of the entries (a fresh listing each time). */
    List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = ds.newDirectoryStream(Path.of("."), NOFOLLOW)) {
            for (Path p : again) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    /** Removes a non-directory entry (unlinkat: a link is removed, never followed). */
    boolean deleteFile(String name) throws IOException {
        try {
            ds.deleteFile(component(name));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Removes an empty subdirectory. */
    void deleteDirectory(String name) throws IOException {
        ds.deleteDirectory(component(name));
    }

    /**
     * Removes every entry that is not a directory. Subdirectories are left (and named in the
     * result): descending into one means opening it, and whoever owns this directory could swap a
     * FIFO in at that moment. thaw itself creates none.
     *
     * @return the names of subdirectories left in place
     */
    List<String> emptyFiles() throws IOException {
        List<String> left = new ArrayList<>();
        for (String n : list()) {
            Optional<PosixFileAttributes> a = lstat(n);
            if (a.isEmpty()) {
                continue;
            }
            if (a.get().isDirectory()) {
                left.add(n);
            } else {
                deleteFile(n);
            }
        }
        return left;
    }

    @Override
    public void close() {
        try {
            ds.close();
        } catch (IOException e) {
            // a descriptor that does not close has nothing left to release
        }
    }

    /** What an entry is, in words. */
    static String kind(PosixFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isRegularFile()) {
            return "a regular file";
        }
        return "a FIFO, socket or device";
    }

    /** One path component: a name with a slash or {@code ..} could reach outside the directory. */
    private static Path component(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a file name: " + name);
        }
        return Path.of(name);
    }

    @Override
    public String toString() {
        return where;
    }
}
