package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads the files of {@code /proc}. Every read maps "the process is gone" to
 * {@link ProcessGoneException} and "not allowed" to a {@link ThawException} with code
 * {@code permission_denied}, so callers never see a raw {@link IOException}.
 *
 * <p>The root is configurable only so unit tests can point at recorded copies of real /proc files.
 */
public final class ProcFs {

    private static final ProcFs SYSTEM = new ProcFs(Path.of("/proc"));

    private final Path root;
    /**
     * The handles kept open on this /proc's per-thread files, made on first use. They belong to the
     * ProcFs because every reader of these files shares them: the server has one ProcFs (the system
     * one), so a snapshot finds the handles the one before it opened.
     */
    private volatile TaskFiles taskFiles;
    /** The cgroup mounts seen from this server, kept for the same reason (see CgroupMounts). */
    private final CgroupMounts cgroupMounts;

    public ProcFs(Path root) {
        this.root = root;
        this.cgroupMounts = new CgroupMounts(root);
    }

    CgroupMounts cgroupMounts() {
        return cgroupMounts;
    }

    TaskFiles taskFiles() {
        TaskFiles t = taskFiles;
        if (t == null) {
            synchronized (this) {
                if (taskFiles == null) {
                    taskFiles = new TaskFiles(TaskFiles.defaultBudget());
                }
                t = taskFiles;
            }
        }
        return t;
    }

    public static ProcFs system() {
        return SYSTEM;
    }

    public Path root() {
        return root;
    }

    public Path pidDir(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    /** {@code /proc/PID/root}: the target's file system root, valid across mount namespaces. */
    public Path targetRoot(int pid) {
        return pidDir(pid).resolve("root");
    }

    /**
     * A path as the target sees it, reachable from here: {@code /proc/PID/root/<path>}.
     * Absolute target paths only.
     */
    public Path inTargetRoot(int pid, String absolutePathInTarget) {
        String rel = absolutePathInTarget.startsWith("/") ? absolutePathInTarget.substring(1) : absolutePathInTarget;
        return targetRoot(pid).resolve(rel);
    }

    /** All numeric entries of /proc, ascending. */
    public List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    try {
                        pids.add(Integer.parseInt(name));
                    } catch (NumberFormatException ignored) {
                        // longer than an int: not a pid
                    }
                }
            }
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PROC_UNREADABLE, "Cannot list " + root + ": " + e.getMessage(),
                    "thaw needs a Linux /proc file system mounted at /proc.", e);
        }
        Collections.sort(pids);
        return pids;
    }

    public ProcStat stat(int pid) {
        return ProcStat.parse(readString(pid, "stat").trim());
    }

    public ProcStat taskStat(int pid, int tid) {
        return ProcStat.parse(readString(pid, "task/" + tid + "/stat").trim());
    }

    public ProcStatus status(int pid) {
        return ProcStatusParser.parse(pid, readString(pid, "status"));
    }

    /** The command line with NUL separators turned into spaces; non-UTF-8 bytes become U+FFFD. */
    public String cmdline(int pid) {
        byte[] raw = readBytes(pid, "cmdline");
        return joinNulSeparated(raw);
    }

    /** The argument vector exactly as the kernel keeps it. */
    public List<String> argv(int pid) {
        byte[] raw = readBytes(pid, "cmdline");
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        return args;
    }

    /** The environment of the process (readable only with ptrace-read access). */
    public List<String> environ(int pid) {
        byte[] raw = readBytes(pid, "environ");
        List<String> vars = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                vars.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return vars;
    }

    /** Where {@code /proc/PID/exe} points, as the target sees it; empty when unreadable (kernel threads, denied). */
    public Optional<String> exe(int pid) {
        return readLink(pid, "exe");
    }

    public Optional<String> readLink(int pid, String name) {
        try {
            return Optional.of(Files.readSymbolicLink(pidDir(pid).resolve(name)).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Thread ids of a process, ascending. */
    public List<Integer> tids(int pid) {
        List<Integer> tids = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(pidDir(pid).resolve("task"))) {
            for (Path p : entries) {
                tids.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            throw new ProcessGoneException(pid);
        } catch (IOException e) {
            throw denied(pid, "task", e);
        }
        Collections.sort(tids);
        return tids;
    }

    public String readString(int pid, String name) {
        return new String(readBytes(pid, name), StandardCharsets.UTF_8);
    }

    public byte[] readBytes(int pid, String name) {
        Path file = pidDir(pid).resolve(name);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ProcessGoneException(pid);
        } catch (IOException e) {
            // Reading /proc/PID/* of a process that exits mid-read gives ESRCH ("No such process").
            if (!Files.exists(pidDir(pid))) {
                throw new ProcessGoneException(pid);
            }
            throw denied(pid, name, e);
        }
    }

    /** True when a file below /proc/PID exists and is readable by us. */
    public boolean readable(int pid, String name) {
        return Files.isReadable(pidDir(pid).resolve(name));
    }

    public boolean exists(int pid) {
        return Files.isDirectory(pidDir(pid));
    }

    private static ThawException denied(int pid, String name, IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
        return new ThawException(ErrorCode.PERMISSION_DENIED,
                "Cannot read /proc/" + pid + "/" + name + ": " + why + ".",
                "Run thaw as the target's user, or as root with CAP_SYS_PTRACE; `thaw doctor " + pid
                        + "` explains which check fails.", e);
    }

    static String joinNulSeparated(byte[] raw) {
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        byte[] copy = new byte[end];
        for (int i = 0; i < end; i++) {
            copy[i] = raw[i] == 0 ? (byte) ' ' : raw[i];
        }
        return new String(copy, StandardCharsets.UTF_8);
    }
}
