package dev.thaw.replay;

import java.util.Map;

/**
 * One record read back from a session log.
 *
 * @param line    1-based line number in the file
 * @param seq     the record's sequence number
 * @param version its schema version {@code v}
 * @param time    ISO-8601 instant
 * @param type    the record type (dev.thaw.session.RecordTypes)
 * @param fields  the whole record, common fields included
 */
public record LogRecord(int line, long seq, int version, String time, String type, Map<String, Object> fields) {

    public Fields f() {
        return new Fields(fields);
    }
}
