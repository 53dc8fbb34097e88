package dev.thaw.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The processes around one process, as the kernel shows them: its children (every thread's
 * {@code task/TID/children}), its parent, what each of their threads is blocked in, and which pipe
 * each of their file descriptors is an end of.
 *
 * <p>Everything is read from {@code /proc} files the kernel generates (never from the target's own
 * file system): {@code fd/N} entries are read as links and never opened, so a descriptor that names
 * a FIFO or a device the target controls can never block thaw. A process that exits meanwhile simply
 * drops out; nothing here throws for a vanished or unreadable process.
 */
public final class RelatedProcesses {

    /** How many processes a pipe-holder scan looks at, at most (a full /proc walk on a big host is bounded). */
    static final int MAX_SCANNED = 4096;

    private final ProcFs proc;

    public RelatedProcesses(ProcFs proc) {
        this.proc = proc;
    }

    /**
     * One thread of a related process.
     *
     * @param syscall     the system call it is blocked in, {@code running}, or null
     * @param syscallArgs the arguments in hex (the first one is the fd for read/write), or null
     */
    public record Task(int tid, String comm, char state, String syscall, String syscallArgs) {
        /** The first syscall argument as a number (the fd of a read/write), or -1. */
        public long firstArg() {
            if (syscallArgs == null || syscallArgs.isBlank()) {
                return -1;
            }
            String a = syscallArgs.split(" ")[0];
            try {
                return Long.parseUnsignedLong(a.startsWith("0x") ? a.substring(2) : a, 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /** A process: its identity, command line (cut to 200 characters) and threads. */
    public record Process(int pid, int ppid, String comm, String command, String exe, List<Task> tasks) {
    }

    /** One end of a pipe held by a process: {@code write} for the write end. */
    public record PipeEnd(int pid, int fd, long inode, boolean write) {
    }

    /** The children of every thread of {@code pid}, ascending, without duplicates. */
    public List<Integer> children(int pid) {
        Set<Integer> out = new LinkedHashSet<>();
        List<Integer> tids;
        try {
            tids = proc.tids(pid);
        } catch (RuntimeException e) {
            return List.of();
        }
        for (int tid : tids) {
            String text = quietString(pid, "task/" + tid + "/children");
            if (text == null) {
                continue;
            }
            for (String p : text.trim().split("\\s+")) {
                if (!p.isEmpty() && p.chars().allMatch(Character::isDigit) && p.length() < 10) {
                    out.add(Integer.parseInt(p));
                }
            }
        }
        List<Integer> sorted = new ArrayList<>(out);
        sorted.sort(null);
        return sorted;
    }

    /** What the kernel shows of a process, or empty when it is gone or unreadable. */
    public Optional<Process> describe(int pid) {
        try {
            ProcStat st = proc.stat(pid);
            String cmd = proc.cmdline(pid);
            if (cmd.length() > 200) {
                cmd = cmd.substring(0, 200) + "…";
            }
            List<Task> tasks = new ArrayList<>();
            for (int tid : proc.tids(pid)) {
                tasks.add(task(pid, tid));
            }
            return Optional.of(new Process(pid, st.ppid(), st.comm(), cmd, proc.exe(pid).orElse(null), List.copyOf(tasks)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Task task(int pid, int tid) {
        ProcStat st = proc.taskStat(pid, tid);
        String sys = quietString(pid, "task/" + tid + "/syscall");
        String name = null;
        String args = null;
        if (sys != null) {
            String s = sys.trim();
            if (s.equals("running")) {
                name = "running";
            } else if (!s.startsWith("-1")) {
                String[] parts = s.split(" ");
                try {
                    name = SyscallNames.name(Integer.parseInt(parts[0]));
                    args = String.join(" ", java.util.Arrays.copyOfRange(parts, 1, Math.min(parts.length, 5)));
                } catch (NumberFormatException e) {
                    name = null;
                }
            }
        }
        return new Task(tid, st.comm(), st.state(), name, args);
    }

    /** The pipe ends {@code pid} holds, from its fd links and their fdinfo flags; empty when unreadable. */
    public List<PipeEnd> pipeEnds(int pid) {
        List<PipeEnd> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.pidDir(pid).resolve("fd"))) {
            for (Path fd : fds) {
                String n = fd.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit) || n.isEmpty() || n.length() > 9) {
                    continue;
                }
                pipeEnd(pid, Integer.parseInt(n)).ifPresent(out::add);
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    /** The pipe end behind one descriptor, or empty when it is not a pipe (or is gone). */
    public Optional<PipeEnd> pipeEnd(int pid, int fd) {
        Optional<String> link = proc.readLink(pid, "fd/" + fd);
        if (link.isEmpty() || !link.get().startsWith("pipe:[") || !link.get().endsWith("]")) {
            return Optional.empty();
        }
        long inode;
        try {
            inode = Long.parseLong(link.get().substring(6, link.get().length() - 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String info = quietString(pid, "fdinfo/" + fd);
        if (info == null) {
            return Optional.empty();
        }
        for (String line : info.split("\n")) {
            if (line.startsWith("flags:")) {
                try {
                    int flags = Integer.parseInt(line.substring(6).trim(), 8);
                    return Optional.of(new PipeEnd(pid, fd, inode, (flags & 3) == 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Every process (at most {@link #MAX_SCANNED} looked at) holding an end of the pipe {@code inode}. */
    public List<PipeEnd> holders(long inode) {
        List<PipeEnd> out = new ArrayList<>();
        List<Integer> pids;
        try {
            pids = proc.pids();
        } catch (RuntimeException e) {
            return out;
        }
        for (int i = 0; i < pids.size() && i < MAX_SCANNED; i++) {
            for (PipeEnd e : pipeEnds(pids.get(i))) {
                if (e.inode() == inode) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private String quietString(int pid, String name) {
        try {
            return new String(proc.readBytes(pid, name), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
