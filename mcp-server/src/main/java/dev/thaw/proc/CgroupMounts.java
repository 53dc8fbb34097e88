package dev.thaw.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup file systems this server sees mounted (its own {@code /proc/self/mountinfo}): cgroup v2,
 * and v1 hierarchies with the freezer controller. One instance per {@link ProcFs}
 * ({@link ProcFs#cgroupMounts()}), shared by every {@link Suspensions}, so the many short-lived
 * suspension checks (one per attach operation, injection, doctor run) read mountinfo at most once
 * per {@link #TTL_NANOS}.
 */
final class CgroupMounts {

    /** cgroup mounts change rarely (a container runtime starting); re-read them at most this often. */
    static final long TTL_NANOS = 5_000_000_000L;

    /** A cgroup file system as thaw sees it mounted: where, and which part of the hierarchy it shows. */
    record Mount(Path mountPoint, String root, boolean v2, boolean freezer) {
        /** The directory of cgroup {@code path} under this mount, or null when the mount does not show it. */
        Path dirOf(String path) {
            if (path.contains("/../") || path.endsWith("/..") || !path.startsWith("/")) {
                return null;
            }
            String rel;
            if (root.equals("/")) {
                rel = path;
            } else if (path.equals(root) || path.startsWith(root + "/")) {
                rel = path.substring(root.length());
            } else {
                return null;
            }
            rel = rel.replaceFirst("^/+", "");
            return rel.isEmpty() ? mountPoint : mountPoint.resolve(rel);
        }
    }

    /** The list and when it was read, swapped as one. */
    private record Read(List<Mount> mounts, long atNanos) {
    }

    private final Path mountinfo;
    private volatile Read last;

    /** @param procRoot the root of the ProcFs that owns this ({@code /proc}) */
    CgroupMounts(Path procRoot) {
        this.mountinfo = procRoot.resolve("self/mountinfo");
    }

    /** The mounts, read again when the last read is older than {@link #TTL_NANOS}. */
    List<Mount> current() {
        Read r = last;
        long now = System.nanoTime();
        if (r == null || now - r.atNanos() > TTL_NANOS) {
            r = new Read(read(), now);
            last = r;
        }
        return r.mounts();
    }

    private List<Mount> read() {
        List<Mount> mounts = new ArrayList<>();
        String info = readSmall(mountinfo);
        if (info == null) {
            return mounts;
        }
        for (MountInfo.Mount m : MountInfo.parse(info)) {
            if (m.fsType().equals("cgroup2")) {
                mounts.add(new Mount(Path.of(m.mountPoint()), m.root(), true, false));
            } else if (m.fsType().equals("cgroup") && m.superOptions().contains("freezer")) {
                mounts.add(new Mount(Path.of(m.mountPoint()), m.root(), false, true));
            }
        }
        return List.copyOf(mounts);
    }

    /** A small regular file's text, or null when it is missing, unreadable or not a regular file. */
    static String readSmall(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
