package dev.thaw.jvm;

import java.util.Optional;

/**
 * The two files in {@code /proc/PID/maps} that say "this is a HotSpot JVM": {@code libjvm.so}
 * (its directory gives java.home) and the mapped hsperfdata file (its exact path, so no
 * guessing which {@code hsperfdata_<user>} directory or whether a file there is stale).
 * A minimal reader on purpose: only the path column, only these two files.
 *
 * @param libjvm     absolute path of libjvm.so as the target sees it, or null
 * @param hsperfdata absolute path of the mapped hsperfdata file as the target sees it, or null
 *                   (absent with -XX:-UsePerfData or -XX:+PerfDisableSharedMem, or when the file
 *                   was deleted under the JVM)
 */
record JvmMappings(String libjvm, String hsperfdata) {

    static JvmMappings parse(String mapsText) {
        String libjvm = null;
        String perf = null;
        int pos = 0;
        int n = mapsText.length();
        while (pos < n && (libjvm == null || perf == null)) {
            int eol = mapsText.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            // The path is the sixth column and starts at the first '/' after the fixed columns;
            // only file-backed lines have one.
            int slash = mapsText.indexOf('/', pos);
            if (slash >= 0 && slash < eol) {
                String path = mapsText.substring(slash, eol);
                if (libjvm == null && path.endsWith("/libjvm.so")) {
                    libjvm = path;
                } else if (perf == null && path.contains("/hsperfdata_") && !path.endsWith(" (deleted)")) {
                    perf = path;
                }
            }
            pos = eol + 1;
        }
        return new JvmMappings(libjvm, perf);
    }

    /**
     * The kernel prints mapped paths relative to the reader's root. For a target chrooted below
     * our root ({@code /proc/PID/root} links to e.g. {@code /var/lib/thaw/sid}) they therefore
     * carry that prefix, while everything else in thaw resolves target paths through
     * {@code /proc/PID/root}: strip it, so both paths are "as the target sees them" again.
     */
    JvmMappings insideRoot(String root) {
        if (root == null || root.equals("/") || root.isEmpty()) {
            return this;
        }
        return new JvmMappings(strip(libjvm, root), strip(hsperfdata, root));
    }

    static String strip(String path, String root) {
        if (path != null && path.startsWith(root + "/")) {
            return path.substring(root.length());
        }
        return path;
    }

    boolean mapsLibjvm() {
        return libjvm != null;
    }

    /**
     * java.home from the libjvm path: {@code <home>/lib/server/libjvm.so} (JDK 9+) or
     * {@code <home>/lib/amd64/server/libjvm.so} (JDK 8, where home is the jre directory).
     */
    Optional<String> javaHomeFromLibjvm() {
        if (libjvm == null) {
            return Optional.empty();
        }
        int lib = libjvm.lastIndexOf("/lib/");
        return lib > 0 ? Optional.of(libjvm.substring(0, lib)) : Optional.empty();
    }
}
