package dev.thaw.python;

import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.FrameSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The source lines of a process's frames, read from its own files: the file a code object names
 * is looked up under {@code /proc/PID/root}, so a container's or chroot's process gets its own
 * file, not the host's file of the same name.
 *
 * <p>Safety: the target owns these files and may make any of them a symbolic link. Every path
 * component is examined without following links; a link is resolved by thaw itself, relative to
 * the target's root, so no link can lead outside it (to the host's files). Only regular files up
 * to {@link #MAX_FILE_BYTES} are read (a FIFO or device is refused before opening, so a read never
 * blocks on the target's files; a file swapped for a FIFO between the check and the open is the
 * remaining race). Decoded as UTF-8 with replacement.
 *
 * <p>Cache: files by (device, inode, modification time, size) across snapshots, so a file is read
 * once until it changes. A file modified after the process started is {@code stale}: the process
 * compiled the older text, and the line shown may not be the code that runs.
 */
final class SourceLines {

    static final long MAX_FILE_BYTES = 8L << 20;
    static final int MAX_LINE_CHARS = 240;
    static final int CONTEXT = 2;

    /** A source file as it is on disk now: another size or mtime is another key. */
    record Key(Object dev, Object ino, long mtimeNanos, long size) {
    }

    record Text(List<String> lines, Instant modified) {
    }

    /** The text of files read before, by any snapshot of the owning service. */
    private final BoundedCache<Key, Text> files;
    private final ProcFs procFs;
    private final int pid;
    private final Instant processStart;
    private final boolean context;
    /** Per snapshot: each file resolved once. */
    private final Map<String, Object> resolved = new java.util.HashMap<>();

    /**
     * @param processStart when the process started (null when unknown: no stale check)
     */
    SourceLines(ProcFs procFs, int pid, Instant processStart, boolean context, PythonCaches caches) {
        this.files = caches.sourceFiles;
        this.procFs = procFs;
        this.pid = pid;
        this.processStart = processStart;
        this.context = context;
    }

    /** The source of {@code file}:{@code line} in the target. */
    FrameSource source(String file, Integer line) {
        if (file == null || file.startsWith("<")) {
            return new FrameSource(FrameSource.MISSING, null, file != null && file.startsWith("<frozen")
                    ? "a frozen module (compiled into the interpreter): it has no source file"
                    : "the code was not compiled from a file (" + file + ")", null, null);
        }
        if (!file.startsWith("/")) {
            return new FrameSource(FrameSource.MISSING, null, "a relative path: the directory it was relative to "
                    + "is not known", null, null);
        }
        Object r = resolved.computeIfAbsent(file, this::load);
        if (r instanceof FrameSource problem) {
            return problem;
        }
        Text t = (Text) r;
        if (line == null || line < 1) {
            return new FrameSource(FrameSource.MISSING, null, "the frame has no line number", null, null);
        }
        if (line > t.lines().size()) {
            return new FrameSource(FrameSource.STALE, null, "the file has " + t.lines().size() + " lines, not "
                    + line + ": it changed after the code was compiled", null, null);
        }
        String text = t.lines().get(line - 1);
        // The start time is known to the second (boot time has whole seconds): a second of slack.
        boolean stale = processStart != null && t.modified().isAfter(processStart.plusSeconds(1));
        String reason = stale ? "the file was modified at " + t.modified() + ", after the process started at "
                + processStart + ": the line shown may not be the code that runs" : null;
        Integer first = null;
        List<String> around = null;
        if (context) {
            first = Math.max(1, line - CONTEXT);
            int last = Math.min(t.lines().size(), line + CONTEXT);
            around = List.copyOf(t.lines().subList(first - 1, last));
        }
        return new FrameSource(stale ? FrameSource.STALE : FrameSource.OK, text, reason, first, around);
    }

    private Object load(String file) {
        try {
            Path p = resolve(file);
            if (p == null) {
                return new FrameSource(FrameSource.MISSING, null, "no such file in the process's file system", null,
                        null);
            }
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,mode",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            if ((mode & 0170000) != 0100000) {
                return new FrameSource(FrameSource.UNREADABLE, null, "not a regular file", null, null);
            }
            long size = (Long) a.get("size");
            if (size > MAX_FILE_BYTES) {
                return new FrameSource(FrameSource.UNREADABLE, null, "the file is larger than "
                        + (MAX_FILE_BYTES >> 20) + " MiB", null, null);
            }
            java.nio.file.attribute.FileTime mtime = (java.nio.file.attribute.FileTime) a.get("lastModifiedTime");
            Key key = new Key(a.get("dev"), a.get("ino"), mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS), size);
            Text t = files.get(key);
            if (t == null) {
                byte[] raw;
                try (var ch = Files.newByteChannel(p, java.util.Set.of(java.nio.file.StandardOpenOption.READ,
                        LinkOption.NOFOLLOW_LINKS))) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(size, MAX_FILE_BYTES));
                    while (b.hasRemaining() && ch.read(b) > 0) {
                        // read up to the size checked above; a file growing meanwhile is cut there
                    }
                    raw = java.util.Arrays.copyOf(b.array(), b.position());
                }
                t = new Text(lines(raw), mtime.toInstant());
                files.put(key, t);
            }
            return t;
        } catch (NoSuchFileException e) {
            return new FrameSource(FrameSource.MISSING, null, "no such file in the process's file system "
                    + "(deleted or renamed since it was imported)", null, null);
        } catch (IOException | RuntimeException e) {
            return new FrameSource(FrameSource.UNREADABLE, null, "the file could not be read: " + e.getMessage(),
                    null, null);
        }
    }

    private static List<String> lines(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '\n') {
                if (i == s.length() && start == i) {
                    break;
                }
                String line = s.substring(start, i);
                int end = line.length();
                while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
                    end--;
                }
                line = line.substring(0, end);
                out.add(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line);
                start = i + 1;
            }
        }
        return out;
    }

    /** The host path of {@code file} inside the target's root, links resolved by thaw against that root. */
    Path resolve(String file) throws IOException {
        return dev.thaw.proc.TargetPaths.resolve(procFs, pid, file);
    }
}
