package dev.thaw.jvm.attach;

import java.nio.charset.StandardCharsets;

/**
 * What the JVM answered: {@code <status>\n} then the output until EOF.
 *
 * @param status    0 = ok, -1 = the operation failed (the output says why),
 *                  101 = the JVM does not speak that protocol version
 * @param output    the output bytes, normally UTF-8 text
 * @param truncated true when the output hit {@link AttachOptions#maxReplyBytes()}
 */
public record AttachReply(int status, byte[] output, boolean truncated) {

    public static final int OK = 0;
    public static final int BAD_VERSION = 101;

    public String text() {
        return new String(output, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return status == OK;
    }
}
