package dev.thaw.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/PID/maps}.
 *
 * <p>The first five fields are separated by single spaces; the kernel then pads with spaces up to a
 * fixed column before the path, so the path is "everything after the inode, leading blanks
 * removed". That keeps paths containing spaces intact. A path the kernel considers unlinked ends in
 * {@code " (deleted)"}, which we strip and turn into a flag.
 */
public final class MapsParser {

    private static final String DELETED = " (deleted)";

    private MapsParser() {
    }

    /** All mappings of a live process, in address order. */
    public static List<MemoryMap> read(ProcFs procFs, int pid) {
        return parse(procFs.readString(pid, "maps"));
    }

    public static List<MemoryMap> parse(String text) {
        List<MemoryMap> maps = new ArrayList<>();
        int lineStart = 0;
        int n = text.length();
        while (lineStart < n) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = n;
            }
            if (lineEnd > lineStart) {
                maps.add(parseLine(text.substring(lineStart, lineEnd)));
            }
            lineStart = lineEnd + 1;
        }
        return maps;
    }

    public static MemoryMap parseLine(String line) {
        try {
            int p = 0;
            int dash = line.indexOf('-', p);
            long start = Long.parseUnsignedLong(line.substring(p, dash), 16);
            int sp = line.indexOf(' ', dash);
            long end = Long.parseUnsignedLong(line.substring(dash + 1, sp), 16);
            p = sp + 1;
            sp = line.indexOf(' ', p);
            String perms = line.substring(p, sp);
            p = sp + 1;
            sp = line.indexOf(' ', p);
            long offset = Long.parseUnsignedLong(line.substring(p, sp), 16);
            p = sp + 1;
            sp = line.indexOf(' ', p);
            String device = line.substring(p, sp);
            p = sp + 1;
            sp = line.indexOf(' ', p);
            long inode = Long.parseLong(sp < 0 ? line.substring(p) : line.substring(p, sp));
            String path = "";
            if (sp >= 0) {
                int q = sp;
                while (q < line.length() && line.charAt(q) == ' ') {
                    q++;
                }
                path = line.substring(q);
            }
            boolean deleted = false;
            if (inode != 0 && path.endsWith(DELETED)) {
                deleted = true;
                path = path.substring(0, path.length() - DELETED.length());
            }
            return new MemoryMap(start, end, perms, offset, device, inode, path, deleted);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a /proc/PID/maps line: " + line, e);
        }
    }
}
