package dev.thaw;

/**
 * A refusal that teaches: what went wrong, in words a person or a model can act on, and the fix.
 * Every layer throws this (or a subclass) for conditions the user can do something about; the MCP
 * and CLI faces render {@link #getMessage()} and {@link #fix()} and never a Java stack trace.
 */
public class ThawException extends RuntimeException {

    private final String code;
    private final String fix;

    /** {@code fix} null or blank: the code's {@link ErrorCode#defaultFix() default fix}. */
    public ThawException(ErrorCode code, String message, String fix) {
        this(code.wire(), message, fix == null || fix.isBlank() ? code.defaultFix() : fix);
    }

    public ThawException(ErrorCode code, String message, String fix, Throwable cause) {
        this(code.wire(), message, fix == null || fix.isBlank() ? code.defaultFix() : fix, cause);
    }

    /** Being replaced by the {@link ErrorCode} constructors. */
    public ThawException(String code, String message, String fix) {
        super(message);
        this.code = code;
        this.fix = fix;
    }

    public ThawException(String code, String message, String fix, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.fix = fix;
    }

    /** A short stable identifier, e.g. {@code process_gone}, {@code permission_denied}. */
    public String code() {
        return code;
    }

    /** The code's stable name on the wire (MCP error, session log), e.g. {@code process_gone}. */
    public String wire() {
        return code;
    }

    /** What would make the operation work, or null when nothing would. */
    public String fix() {
        return fix;
    }

    /** Message and fix on one or two lines, for text renderings. */
    public String explain() {
        return fix == null || fix.isBlank() ? getMessage() : getMessage() + "\nFix: " + fix;
    }
}
