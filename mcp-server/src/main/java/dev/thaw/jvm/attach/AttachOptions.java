package dev.thaw.jvm.attach;

import java.time.Duration;

/**
 * Limits for talking to one JVM.
 *
 * @param operationTimeout  hard deadline for one operation: connect, send, and read the whole
 *                          reply (also bounds the wait for another operation on the same JVM)
 * @param listenerTimeout   how long to wait for the attach socket after SIGQUIT; the JVM needs
 *                          about a millisecond, so seconds mean it is not coming
 * @param maxReplyBytes     a reply longer than this is cut off (the connection is closed, which
 *                          also frees a JVM that streams output at a safepoint)
 */
public record AttachOptions(Duration operationTimeout, Duration listenerTimeout, int maxReplyBytes) {

    public static final AttachOptions DEFAULT =
            new AttachOptions(Duration.ofSeconds(5), Duration.ofSeconds(3), 64 << 20);

    public AttachOptions {
        if (operationTimeout.isNegative() || operationTimeout.isZero()
                || listenerTimeout.isNegative() || listenerTimeout.isZero() || maxReplyBytes <= 0) {
            throw new IllegalArgumentException("attach timeouts and reply limit must be positive");
        }
    }

    public AttachOptions withOperationTimeout(Duration timeout) {
        return new AttachOptions(timeout, listenerTimeout, maxReplyBytes);
    }

    public AttachOptions withListenerTimeout(Duration timeout) {
        return new AttachOptions(operationTimeout, timeout, maxReplyBytes);
    }
}
