package dev.thaw.session;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.StateDirs;
import dev.thaw.ThawException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The append-only session log: one JSONL file per server run, one record per line, each written and
 * forced to disk before the reply it describes is sent. A crash can therefore tear at most the last
 * line. Files are 0600 in a 0700 directory: they hold what was run inside production processes.
 *
 * <p>Every record carries {@code v} (the schema version), {@code seq}, {@code time} and {@code type}.
 * The record types and their fields are documented in docs/session-log.md; {@link SessionRecorder}
 * writes them. Payloads too large to inline live in sidecar files next to the log, named by the
 * log's stem and their SHA-256, written and forced to disk before the record that names them.
 */
public final class SessionLog implements AutoCloseable {

    /**
     * Version of the record schema. Additions (new fields, new record types) keep the version: readers
     * ignore what they do not know. A change that would make an old reader misread a record bumps it,
     * and old readers skip records of a newer version and say so.
     */
    public static final int SCHEMA_VERSION = 1;

    public static final String EXTENSION = ".jsonl";

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final FileChannel channel;
    private long seq;

    private SessionLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens a new log in {@link StateDirs#sessions()}, named by start time and our pid. */
    public static SessionLog create() {
        Path dir = StateDirs.ensurePrivate(StateDirs.sessions());
        removeStaleTemporaries(dir);
        String name = FILE_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid() + EXTENSION;
        return open(dir.resolve(name));
    }

    public static SessionLog open(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                // The new directory entry must survive a crash too, or the fsynced records are unreachable.
                forceDirectory(file.toAbsolutePath().getParent());
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new SessionLog(file, ch);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.SESSION_LOG_UNWRITABLE, "Cannot open the session log " + file + ": " + e.getMessage(),
                    "Make the directory writable, or set XDG_STATE_HOME to a writable directory.", e);
        }
    }

    public Path file() {
        return file;
    }

    /** The file name without {@code .jsonl}: the session's name in {@code thaw://sessions/{name}}. */
    public String stem() {
        return stem(file);
    }

    public static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(EXTENSION) ? n.substring(0, n.length() - EXTENSION.length()) : n;
    }

    /** Appends a record whose fields are the components of {@code body} (a record), in order. */
    public long appendRecord(String type, Object body) {
        return append(type, Json.toMap(body));
    }

    /**
     * Stores {@code content} in a sidecar file {@code STEM.SHA256.EXT} next to the log (0600), forced to
     * disk and renamed into place atomically, so a record naming it never points at a partial file.
     * Returns the file name (without directory).
     */
    public String writeSidecar(byte[] content, String extension) {
        String name = stem() + "." + Sha256.hex(content) + "." + extension;
        Path dir = file.toAbsolutePath().getParent();
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target)) {
            return name; // same content, already stored
        }
        try {
            Path tmp = Files.createTempFile(dir, ".sidecar-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
            return name;
        } catch (IOException e) {
            throw new ThawException(ErrorCode.SESSION_LOG_UNWRITABLE, "Cannot write a sidecar file of the session log in " + dir
                    + ": " + e.getMessage(), "Check free disk space and permissions of " + dir + ".", e);
        }
    }

    /**
     * A server killed between writing a sidecar and renaming it leaves a temporary file that no record
     * names. Old ones are removed; recent ones may belong to a server running right now.
     */
    static void removeStaleTemporaries(Path dir) {
        java.time.Instant cutoff = Instant.now().minus(java.time.Duration.ofHours(1));
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith(".sidecar-") && f.getFileName().toString().endsWith(".tmp"))
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toInstant().isBefore(cutoff);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .forEach(f -> {
                        try {
                            Files.deleteIfExists(f);
                        } catch (IOException ignored) {
                            // another server's, or already gone
                        }
                    });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: not every file system lets a directory be forced.
        }
    }

    /**
     * Appends one record and forces it to disk. {@code fields} are added after the common ones, in order.
     * Returns the record's sequence number.
     */
    public synchronized long append(String type, Map<String, ?> fields) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("v", SCHEMA_VERSION);
        record.put("seq", ++seq);
        record.put("time", Instant.now().toString());
        record.put("type", type);
        record.putAll(fields);
        byte[] line = (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.SESSION_LOG_UNWRITABLE, "Cannot append to the session log " + file + ": " + e.getMessage(),
                    "Check free disk space and permissions of " + file.getParent() + ".", e);
        }
        return seq;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to save
        }
    }
}
