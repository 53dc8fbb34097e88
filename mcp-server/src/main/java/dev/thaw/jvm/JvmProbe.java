package dev.thaw.jvm;

import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessGoneException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether a process is a HotSpot JVM and what it is, cheaply enough to run for every
 * process in a listing, and without sending the process anything: it reads /proc/PID/maps,
 * status, cmdline, environ, the hsperfdata file and the JDK's release file, the last two through
 * /proc/PID/root so JVMs in other mount namespaces (containers, private /tmp) work the same.
 */
public final class JvmProbe {

    private static final Logger log = LoggerFactory.getLogger(JvmProbe.class);
    private static final JvmProbe SYSTEM = new JvmProbe(ProcFs.system());

    private final ProcFs proc;

    public JvmProbe(ProcFs proc) {
        this.proc = proc;
    }

    /** {@link #inspect(int)} on the live /proc. */
    public static Optional<JvmIdentity> identify(int pid) {
        return SYSTEM.inspect(pid);
    }

    /**
     * The identity of a JVM, or empty when the process is not a HotSpot JVM or is gone. Never
     * throws for a process that cannot be read: what could not be read shows up as null fields
     * and {@link AttachState.Status#UNKNOWN}.
     */
    public Optional<JvmIdentity> inspect(int pid) {
        try {
            return inspectOrThrow(pid);
        } catch (ProcessGoneException e) {
            return Optional.empty();
        } catch (ThawException e) {
            log.debug("pid {}: not identified: {}", pid, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<JvmIdentity> inspectOrThrow(int pid) {
        Optional<String> rootLink = proc.readLink(pid, "root");
        JvmMappings maps = readMappings(pid);
        if (maps != null) {
            maps = maps.insideRoot(rootLink.orElse(null));
        }
        Optional<String> exe = proc.exe(pid).map(e -> JvmMappings.strip(e, rootLink.orElse("/")));
        ProcStatus status = proc.status(pid);
        boolean exeIsJava = exe.map(e -> e.endsWith("/java")).orElse(false);
        boolean mapsLibjvm = maps != null && maps.mapsLibjvm();
        // Without maps (another user's process) the exe link is unreadable too; the comm name is
        // all that is left.
        boolean commIsJava = maps == null && exe.isEmpty() && status.name().equals("java");
        if (!mapsLibjvm && !exeIsJava && !commIsJava) {
            return Optional.empty();
        }
        int nsPid = status.innermostPid();
        boolean rootReadable = rootLink.isPresent();

        HsPerfData perf = rootReadable ? readPerfData(pid, nsPid, maps, status.effectiveUid()) : null;
        String home = perf != null ? perf.javaHome().orElse(null) : null;
        if (home == null && maps != null) {
            home = maps.javaHomeFromLibjvm().orElse(null);
        }
        if (home == null && exeIsJava) {
            String e = exe.get();
            home = e.endsWith("/bin/java") ? e.substring(0, e.length() - "/bin/java".length()) : null;
        }

        String version = null;
        String vmName = null;
        String vendor = null;
        String source = JvmIdentity.FROM_NOTHING;
        if (perf != null && perf.javaVersion().isPresent()) {
            version = perf.javaVersion().get();
            vmName = perf.vmName().orElse(null);
            vendor = perf.vmVendor().orElse(null);
            source = JvmIdentity.FROM_HSPERFDATA;
        } else if (home != null && rootReadable) {
            Optional<ReleaseFile> release = readRelease(pid, home);
            if (release.isPresent() && release.get().javaVersion().isPresent()) {
                version = release.get().javaVersion().get();
                vendor = release.get().implementor().orElse(null);
                source = JvmIdentity.FROM_RELEASE_FILE;
            } else {
                Optional<java.util.jar.Manifest> rt = readRtJarManifest(pid, home);
                String v = rt.map(m -> m.getMainAttributes().getValue("Implementation-Version")).orElse(null);
                if (v != null) {
                    version = v;
                    vendor = rt.get().getMainAttributes().getValue("Implementation-Vendor");
                    source = JvmIdentity.FROM_RT_JAR;
                }
            }
        }

        JvmOptions options = JvmOptions.of(perf == null ? null : perf.vmArgs().orElse(null),
                quietly(() -> proc.argv(pid)), quietly(() -> proc.environ(pid)));
        boolean socket = rootReadable && isSocket(proc.inTargetRoot(pid, "/tmp/.java_pid" + nsPid));
        AttachState attach = AttachStates.decide(nsPid, perf == null ? Optional.empty() : perf.attachable(),
                options, rootReadable, socket, status.catches(ProcStatus.SIGQUIT));
        return Optional.of(new JvmIdentity(version, vmName, vendor, home, source, attach));
    }

    /**
     * Null when maps cannot be read (another user's process): the caller falls back to names.
     * Empty maps mean a kernel thread or a process in the middle of exiting: neither is a JVM
     * we could talk to.
     */
    private JvmMappings readMappings(int pid) {
        try {
            String text = proc.readString(pid, "maps");
            if (text.isEmpty()) {
                throw new ProcessGoneException(pid);
            }
            return JvmMappings.parse(text);
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return null;
        }
    }

    /**
     * The hsperfdata file: the one the JVM has mapped when maps tells us (exact, never stale);
     * otherwise a {@code hsperfdata_*}/{@code <nspid>} file owned by the target's user.
     */
    private HsPerfData readPerfData(int pid, int nsPid, JvmMappings maps, int euid) {
        Path file = null;
        if (maps != null) {
            if (maps.hsperfdata() == null) {
                return null; // -XX:-UsePerfData or PerfDisableSharedMem: any file we found would be stale
            }
            file = proc.inTargetRoot(pid, maps.hsperfdata());
        } else {
            file = findPerfFile(proc.inTargetRoot(pid, "/tmp"), nsPid, euid);
        }
        if (file == null) {
            return null;
        }
        try {
            return HsPerfData.parse(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            log.debug("pid {}: unreadable hsperfdata {}: {}", pid, file, e.toString());
            return null;
        }
    }

    private static Path findPerfFile(Path tmp, int nsPid, int euid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
            for (Path dir : dirs) {
                Path f = dir.resolve(Integer.toString(nsPid));
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && Integer.valueOf(euid).equals(Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                    return f;
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    /** {@code <home>/release}, or for a JDK 8 jre home {@code <home>/../release}. */
    private Optional<ReleaseFile> readRelease(int pid, String home) {
        for (String candidate : List.of(home + "/release", parentOf(home) + "/release")) {
            Path p = proc.inTargetRoot(pid, candidate);
            try {
                return Optional.of(ReleaseFile.parse(Files.readString(p)));
            } catch (IOException e) {
                // try the next candidate
            }
        }
        return Optional.empty();
    }

    /**
     * JDK 8 has {@code lib/rt.jar}, whose manifest says {@code Implementation-Version: 1.8.0_504};
     * some JDK 8 runtimes (Debian's JRE) ship no release file, so without perf data this is the
     * only record of the version. Only the central directory and one entry are read.
     */
    private Optional<java.util.jar.Manifest> readRtJarManifest(int pid, String home) {
        Path rt = proc.inTargetRoot(pid, home + "/lib/rt.jar");
        if (!Files.isRegularFile(rt)) {
            return Optional.empty();
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(rt.toFile(), false)) {
            return Optional.ofNullable(jar.getManifest());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash > 0 ? path.substring(0, slash) : path;
    }

    private static boolean isSocket(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> quietly(java.util.function.Supplier<List<String>> read) {
        try {
            return read.get();
        } catch (ThawException e) {
            return List.of();
        }
    }
}
