package dev.thaw.proc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the file behind a memory mapping of another process can be opened, in order of trust:
 * {@code /proc/PID/map_files/START-END} (the mapped file itself, even if deleted; needs
 * CAP_SYS_ADMIN), then its path inside the process's root (for a chrooted process in its own mount
 * namespace, maps prints the path from that namespace's root, which includes the chroot directory: the
 * prefix is stripped), then the path as given under {@code /proc/PID/root}. Callers check that what
 * they open is the mapped inode before trusting a path route.
 */
public final class MappedFileRoutes {

    private MappedFileRoutes() {
    }

    public static List<Path> of(ProcFs procFs, int pid, MemoryMap m) {
        List<Path> routes = new ArrayList<>(3);
        routes.add(procFs.pidDir(pid).resolve("map_files").resolve(m.mapFilesName()));
        if (!m.deleted()) {
            String root = procFs.readLink(pid, "root").orElse("/");
            if (!root.equals("/") && m.path().startsWith(root + "/")) {
                routes.add(procFs.inTargetRoot(pid, m.path().substring(root.length())));
            }
            routes.add(procFs.inTargetRoot(pid, m.path()));
        }
        return routes;
    }
}
