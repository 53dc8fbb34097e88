package dev.thaw.jvm;

import java.util.List;

/**
 * One Java stack frame of a thread dump, with the lock lines printed under it.
 *
 * @param text  the frame as printed after {@code at }, e.g.
 *              {@code java.lang.Thread.sleep(java.base@17.0.15/Native Method)}
 * @param locks the {@code - ...} lines under this frame, in order
 */
public record JvmFrame(String text, List<FrameLock> locks) {

    public JvmFrame {
        locks = List.copyOf(locks);
    }

    /** {@code java.lang.Thread.sleep} from {@code java.lang.Thread.sleep(...)}. */
    public String qualifiedMethod() {
        int paren = text.indexOf('(');
        return paren < 0 ? text : text.substring(0, paren);
    }

    /** What is in the parentheses: {@code File.java:12}, {@code Native Method}, with any module prefix removed. */
    public String location() {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return "";
        }
        String loc = text.substring(open + 1, close);
        int slash = loc.indexOf('/');
        return slash >= 0 ? loc.substring(slash + 1) : loc;
    }
}
