package dev.thaw.replay;

/**
 * Something the reader could not use, reported in the replay instead of silently dropped.
 *
 * @param kind   what went wrong
 * @param line   the line of the log it concerns, or 0 for the whole file
 * @param detail one sentence for the reader of the postmortem
 */
public record ReadProblem(Kind kind, int line, String detail) {

    public enum Kind {
        /** The last line is incomplete: the writer died mid-record (SIGKILL, power loss). */
        TORN_TAIL,
        /** A line that is not a valid record (bad UTF-8, bad JSON, missing v/seq/type). */
        CORRUPT_LINE,
        /** A record of a schema version newer than this thaw reads. */
        NEWER_VERSION,
        /** A record type this thaw does not know (written by a newer thaw, same schema version). */
        UNKNOWN_TYPE,
        /** Sequence numbers jump: records are missing from the middle of the file. */
        SEQUENCE_GAP,
        /** A sidecar file named by a record is missing or does not match its hash. */
        SIDECAR,
        /** An injection's recorded script does not match its recorded SHA-256. */
        HASH_MISMATCH,
        /** The file holds no records at all. */
        EMPTY
    }

    /** "line 12: …" or the detail alone for whole-file problems. */
    public String display() {
        return (line > 0 ? "line " + line + ": " : "") + detail;
    }
}
