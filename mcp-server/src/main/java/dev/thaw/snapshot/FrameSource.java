package dev.thaw.snapshot;

import java.util.List;

/**
 * The source of a frame's line, read from the file its code object names, in the process's own
 * file system ({@code /proc/PID/root}: a container's or chroot's file, not the host's).
 *
 * @param status    {@code ok}; {@code stale} (the file changed after the process started: the line
 *                  shown may not be the code that runs); {@code missing} (no such file, or the name
 *                  is not a file, e.g. {@code <string>}); {@code unreadable}
 * @param line      the frame's line, without its line break (trailing blanks cut; long lines cut);
 *                  null when not read
 * @param reason    why the status is not {@code ok}, in words; null when it is
 * @param firstLine with {@code source: context}: the number of the first line in {@code context}
 * @param context   with {@code source: context}: a few lines around the frame's line, the frame's
 *                  line included; null otherwise
 */
public record FrameSource(String status, String line, String reason, Integer firstLine, List<String> context) {

    public static final String OK = "ok";
    public static final String STALE = "stale";
    public static final String MISSING = "missing";
    public static final String UNREADABLE = "unreadable";
}
