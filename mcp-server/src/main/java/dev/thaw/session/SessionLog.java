package dev.thaw.session;

import dev.thaw.Json;
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
 */
public final class SessionLog implements AutoCloseable {

    /** Version of the record schema; readers skip records of a newer version and say so. */
    public static final int SCHEMA_VERSION = 1;

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
        String name = FILE_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid() + ".jsonl";
        return open(dir.resolve(name));
    }

    public static SessionLog open(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new SessionLog(file, ch);
        } catch (IOException e) {
            throw new ThawException("session_log_unwritable", "Cannot open the session log " + file + ": " + e.getMessage(),
                    "Make the directory writable, or set XDG_STATE_HOME to a writable directory.", e);
        }
    }

    public Path file() {
        return file;
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
            throw new ThawException("session_log_unwritable", "Cannot append to the session log " + file + ": " + e.getMessage(),
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
