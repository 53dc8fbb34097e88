package dev.thaw.replay;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.session.SessionLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a session log back, record by record, keeping everything that parses and reporting
 * everything that does not: a torn last line (the one defect a crash may leave, since every record
 * is forced to disk before the next is written), corrupt lines in the middle, records of a newer
 * schema, and gaps in the sequence numbers.
 */
public final class LogReader {

    /** The newest schema version this build reads. */
    public static final int SUPPORTED_VERSION = SessionLog.SCHEMA_VERSION;

    private LogReader() {
    }

    public static LogContents read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ThawException(ErrorCode.LOG_NOT_FOUND, "No session log at " + file + ".",
                    "Pass a file from $XDG_STATE_HOME/thaw/sessions/ (or its name, or `latest`).");
        } catch (AccessDeniedException e) {
            throw new ThawException(ErrorCode.LOG_UNREADABLE, "Permission denied reading " + file + ".",
                    "Session logs are private (0600): read them as the user who ran thaw.");
        } catch (IOException e) {
            throw new ThawException(ErrorCode.LOG_UNREADABLE, "Cannot read " + file + ": " + e.getMessage(),
                    "Check that the path is a readable file.");
        }
        return parse(file, data);
    }

    static LogContents parse(Path file, byte[] data) {
        List<LogRecord> records = new ArrayList<>();
        List<ReadProblem> problems = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        long lastSeq = 0;
        int corruptSinceLastSeq = 0;
        while (start < data.length) {
            int end = indexOf(data, (byte) '\n', start);
            boolean terminated = end >= 0;
            int stop = terminated ? end : data.length;
            lineNo++;
            byte[] line = java.util.Arrays.copyOfRange(data, start, stop);
            start = terminated ? end + 1 : data.length;
            if (line.length == 0) {
                continue;
            }
            Parsed p = parseLine(line);
            if (p.error != null) {
                if (!terminated) {
                    problems.add(new ReadProblem(ReadProblem.Kind.TORN_TAIL, lineNo, "the last line is incomplete ("
                            + line.length + " bytes, no line end): the server stopped while writing it (killed), "
                            + "or is writing it right now; that one record is not shown"));
                } else {
                    problems.add(new ReadProblem(ReadProblem.Kind.CORRUPT_LINE, lineNo,
                            "not a valid record (" + p.error + "); skipped"));
                    corruptSinceLastSeq++;
                }
                continue;
            }
            long gap = p.seq - lastSeq - 1;
            if (lastSeq > 0 && gap > 0 && gap != corruptSinceLastSeq) {
                problems.add(new ReadProblem(ReadProblem.Kind.SEQUENCE_GAP, lineNo, (gap == 1 ? "record " + (lastSeq + 1)
                        : "records " + (lastSeq + 1) + " to " + (p.seq - 1)) + " missing before this line"));
            }
            lastSeq = Math.max(lastSeq, p.seq);
            corruptSinceLastSeq = 0;
            if (p.version > SUPPORTED_VERSION) {
                problems.add(new ReadProblem(ReadProblem.Kind.NEWER_VERSION, lineNo, "a '" + p.type + "' record of schema "
                        + "version " + p.version + " (this thaw reads up to " + SUPPORTED_VERSION + "); skipped. "
                        + "A newer thaw renders it."));
                continue;
            }
            records.add(new LogRecord(lineNo, p.seq, p.version, p.time, p.type, p.fields));
        }
        if (records.isEmpty() && problems.isEmpty()) {
            problems.add(new ReadProblem(ReadProblem.Kind.EMPTY, 0,
                    "the log holds no records (the server received no request, or the file is not a session log)"));
        }
        return new LogContents(file, records, problems);
    }

    private record Parsed(long seq, int version, String time, String type, Map<String, Object> fields, String error) {
        static Parsed error(String why) {
            return new Parsed(0, 0, null, null, null, why);
        }
    }

    @SuppressWarnings("unchecked")
    private static Parsed parseLine(byte[] line) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return Parsed.error("invalid UTF-8");
        }
        Object value;
        try {
            value = Json.mapper().readValue(text, Object.class);
        } catch (RuntimeException e) {
            return Parsed.error("invalid JSON");
        }
        if (!(value instanceof Map<?, ?> m)) {
            return Parsed.error("not a JSON object");
        }
        Fields f = new Fields((Map<String, Object>) m);
        Long v = f.num("v");
        Long seq = f.num("seq");
        String type = f.get("type") instanceof String s ? s : null;
        if (v == null || seq == null || type == null) {
            return Parsed.error("missing v, seq or type");
        }
        return new Parsed(seq, (int) Math.min(Integer.MAX_VALUE, v), f.str("time"), type, (Map<String, Object>) m, null);
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
