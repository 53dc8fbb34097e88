package dev.thaw.proc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /proc/PID/mountinfo}: the mounts of a process's mount namespace, mount points relative to
 * its root. One line per mount:
 * {@code id parent major:minor root mount-point options [optional fields...] - fstype source super-options},
 * with space, tab, newline and backslash in paths written as octal escapes ({@code \040}).
 */
public final class MountInfo {

    private MountInfo() {
    }

    /**
     * One mount.
     *
     * @param root         the directory of the file system shown at the mount point ({@code /} for all of it)
     * @param mountPoint   where it is mounted, relative to the process's root
     * @param options      per-mount options ({@code rw,relatime})
     * @param fsType       e.g. {@code tmpfs}, {@code cgroup2}
     * @param superOptions per-file-system options ({@code rw,size=64k}; for cgroup v1, its controllers); may be empty
     */
    public record Mount(String root, String mountPoint, List<String> options, String fsType, List<String> superOptions) {

        /** Read-only through this mount or for the whole file system. */
        public boolean readOnly() {
            return options.contains("ro") || superOptions.contains("ro");
        }
    }

    /** The mounts listed, in order; lines that do not have the format are skipped. */
    public static List<Mount> parse(String mountinfo) {
        List<Mount> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || dash + 1 >= f.length) {
                continue;
            }
            out.add(new Mount(unescape(f[3]), unescape(f[4]), List.of(f[5].split(",")), f[dash + 1],
                    dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of()));
        }
        return out;
    }

    /**
     * The mount that holds {@code path}: the longest mount point that is {@code path} or one of its
     * parents, the last one listed when several are stacked on the same point; null when none.
     */
    public static Mount holding(List<Mount> mounts, String path) {
        Mount best = null;
        for (Mount m : mounts) {
            String point = m.mountPoint();
            boolean holds = point.equals("/") || path.equals(point) || path.startsWith(point + "/");
            if (holds && (best == null || point.length() >= best.mountPoint().length())) {
                best = m;
            }
        }
        return best;
    }

    /** Undoes the octal escapes ({@code \040} is a space). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
