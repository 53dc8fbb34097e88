package dev.thaw.session;

/** The {@code type} of each session-log record (fields: docs/session-log.md). */
public final class RecordTypes {

    /** Server and client identity and the approval policy; written once, on the first request. */
    public static final String SESSION_START = "session_start";
    /** A tool call as it arrives: written before the tool runs, so a crash mid-call still shows it. */
    public static final String TOOL_CALL_STARTED = "tool_call_started";
    /** A finished tool call with its result summary; written before the reply is sent. */
    public static final String TOOL_CALL = "tool_call";
    /** A hypothesis, finding or conclusion of the assistant (tool {@code note}). */
    public static final String NOTE = "note";
    /** The write-ahead record of an injection: full script text and hash, target identity. */
    public static final String INJECTION_QUEUED = "injection_queued";
    /** The approval decision for an injection, and how it was made. */
    public static final String APPROVAL = "approval";
    /** A status change of an injection (delivered, running, completed, failed, timed_out, ...). */
    public static final String INJECTION_STATUS = "injection_status";
    /** Output of an injection, inline up to 64 KiB or in a sidecar file. */
    public static final String INJECTION_OUTPUT = "injection_output";
    /** The server shut down in order (absent after a crash or SIGKILL). */
    public static final String SESSION_END = "session_end";

    private RecordTypes() {
    }
}
