package dev.thaw;

/**
 * A refusal that teaches: what went wrong, in words a person or a model can act on, and the fix.
 * Every layer throws this (or a subclass) for conditions the user can do something about; the MCP
 * and CLI faces render {@link #getMessage()} and {@link #fix()} and never a Java stack trace.
 */
public class ThawException extends RuntimeException {

    private final ErrorCode code;
    private final String fix;

    /** {@code fix} null or blank: the code's {@link ErrorCode#defaultFix() default fix}. */
    public ThawException(ErrorCode code, String message, String fix) {
        super(message);
        this.code = code;
        this.fix = fixOrDefault(code, fix);
    }

    public ThawException(ErrorCode code, String message, String fix, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.fix = fixOrDefault(code, fix);
    }

    private static String fixOrDefault(ErrorCode code, String fix) {
        return fix == null || fix.isBlank() ? code.defaultFix() : fix;
    }

    /** What went wrong, e.g. {@link ErrorCode#PROCESS_GONE}: branch on this, never on the message. */
    public ErrorCode code() {
        return code;
    }

    /** The code's stable name on the wire (MCP error, session log), e.g. {@code process_gone}. */
    public String wire() {
        return code.wire();
    }

    /** What would make the operation work: the throw site's own fix, else the code's default. */
    public String fix() {
        return fix;
    }

    /** Message and fix on one or two lines, for text renderings. */
    public String explain() {
        return getMessage() + "\nFix: " + fix;
    }
}
