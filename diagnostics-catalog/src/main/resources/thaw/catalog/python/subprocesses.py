# thaw-diagnostic
# {
#   "id": "py.subprocesses",
#   "runtime": "cpython",
#   "title": "Child processes and their pipes",
#   "question": "Which child processes (subprocess.Popen) are alive, what does each pipe between us hold unread, what is each child doing (state, system call), and who waits on it - is parent and child waiting on each other through a full pipe?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max_children": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 50, "description": "Popen objects listed"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "one pass over gc.get_objects(); per child a few small reads of /proc/PID and one FIONREAD ioctl per pipe; reads no pipe, waits on nothing, never polls the child (Popen.poll() would reap it)"
# }
# A pipe deadlock: the parent waits for the child (Popen.wait(), or a read of one pipe) while the
# child is blocked writing to another pipe that is full (64 KiB on Linux) because nobody reads it.
# communicate() avoids it by reading every pipe while waiting. The unread bytes of each pipe come from
# FIONREAD on our end (Linux answers it on either end of a pipe); the child's system call from
# /proc/PID/syscall (readable by its parent), else its wchan.
import fcntl
import gc
import os
import struct
import sys
import termios

P = params
subprocess = sys.modules.get("subprocess")
if subprocess is None:
    out.write("subprocess is not imported in this process: no Popen objects.\n")
    thaw_kit.report(out, "subprocess is not imported")
    raise SystemExit(0)
F_GETPIPE_SZ = 1032
# system call numbers of the calls a blocked child is usually in (x86_64, aarch64)
SYSCALLS = {"x86_64": {0: "read", 1: "write", 7: "poll", 23: "select", 61: "wait4", 202: "futex", 232: "epoll_wait",
                       270: "pselect6", 271: "ppoll", 281: "epoll_pwait", 35: "nanosleep", 230: "clock_nanosleep"},
            "aarch64": {63: "read", 64: "write", 73: "ppoll", 72: "pselect6", 260: "wait4", 98: "futex",
                        22: "epoll_pwait", 101: "nanosleep", 115: "clock_nanosleep"}}
ARCH = os.uname().machine


def read_proc(pid, name):
    try:
        fd = os.open("/proc/%d/%s" % (pid, name), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            return os.read(fd, 4096).decode("ascii", "replace")
        finally:
            os.close(fd)
    except OSError:
        return None


def child_state(pid):
    """(state letter, 'write on fd 1', wchan) of a process, as far as /proc tells."""
    stat = read_proc(pid, "stat")
    state = stat[stat.rindex(")") + 2] if stat else "?"
    call = None
    sc = read_proc(pid, "syscall")
    if sc and sc.split()[0].lstrip("-").isdigit():
        parts = sc.split()
        nr = int(parts[0])
        name = SYSCALLS.get(ARCH, {}).get(nr, "syscall %d" % nr) if nr >= 0 else "running"
        call = name
        if name in ("read", "write") and len(parts) > 1:
            call = "%s on fd %d" % (name, int(parts[1], 16))
    wchan = read_proc(pid, "wchan")
    return state, call, wchan


def pipe_inode(fd):
    try:
        st = os.fstat(fd)
        return st.st_ino
    except OSError:
        return None


def child_fds(pid):
    """{inode: [child fd numbers]} for the pipes a child holds."""
    res = {}
    try:
        for name in os.listdir("/proc/%d/fd" % pid)[:1000]:
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, name))
            except OSError:
                continue
            if target.startswith("pipe:["):
                res.setdefault(int(target[6:-1]), []).append(int(name))
    except OSError:
        pass
    return res


def unread(fd):
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except OSError:
        return None


def capacity(fd):
    try:
        return fcntl.fcntl(fd, F_GETPIPE_SZ)
    except OSError:
        return None


popens = thaw_kit.instances(subprocess.Popen)
live = [p for p in popens if getattr(p, "returncode", 0) is None]
waiters = {}    # id(popen) -> [(who, frame, how)]
for t in thaw_kit.threads():
    wo = thaw_kit.waiting_on(t)
    if wo is not None and wo[0].startswith("process"):
        waiters.setdefault(id(wo[1]), []).append(
            ("thread " + t.name, wo[2], "Popen.communicate" if wo[0] == "process-communicate" else "Popen.wait"))
# our own threads blocked reading a pipe: /proc/self/task/TID/syscall says read and the fd
readers = {}    # fd -> [thread names]
names = {getattr(t.thread, "_native_id", None): t.name for t in thaw_kit.threads()}
try:
    for tid in os.listdir("/proc/self/task")[:20000]:
        text = None
        try:
            fd_ = os.open("/proc/self/task/%s/syscall" % tid, os.O_RDONLY | os.O_CLOEXEC)
            try:
                text = os.read(fd_, 512).decode("ascii", "replace").split()
            finally:
                os.close(fd_)
        except OSError:
            continue
        if text and text[0].isdigit() and SYSCALLS.get(ARCH, {}).get(int(text[0])) == "read" and len(text) > 1:
            readers.setdefault(int(text[1], 16), []).append("thread " + names.get(int(tid), "tid " + tid))
except OSError:
    pass

out.write("%d live child process(es) of %d Popen object(s) (finished ones: returncode set)\n" % (len(live), len(popens)))
for p in popens[:P["max_children"]]:
    try:
        pid = p.pid
        rc = p.returncode
        label = thaw_kit.name(p, 1) or thaw_kit.local_name(p, 1)
        out.write("\nPopen %s pid %s: %s\n  args: %s\n" % (
            "`%s`" % label if label else hex(id(p)), pid, "running (not reaped)" if rc is None else "exited %s" % rc,
            thaw_kit.short(p.args, 200)))
        state = call = wchan = None
        if rc is None:
            state, call, wchan = child_state(pid)
            out.write("  child: state %s%s%s\n" % (state, ", in %s" % call if call else "",
                                                    ", wchan %s" % wchan if wchan and wchan != "0" else ""))
        cfds = child_fds(pid) if rc is None else {}
        full_pipes = []
        for which, child_fd in (("stdin", 0), ("stdout", 1), ("stderr", 2)):
            f = getattr(p, which, None)
            if f is None:
                continue
            try:
                fd = f.fileno()
            except Exception:  # noqa: BLE001
                out.write("  %s: closed\n" % which)
                continue
            n, cap, ino = unread(fd), capacity(fd), pipe_inode(fd)
            held = cfds.get(ino, [])
            full = n is not None and cap is not None and n >= cap
            out.write("  %s: our fd %d, %s unread byte(s) in the pipe%s%s%s\n" % (
                which, fd, n if n is not None else "?", " of %d (FULL)" % cap if full else (" of %s" % cap if cap else ""),
                ", the child's fd %s" % "/".join(map(str, held)) if held else "",
                ", read by %s" % ", ".join(readers[fd]) if fd in readers else ""))
            if full and which != "stdin":
                full_pipes.append((which, fd, n, held, f))
        for who, fr, how in waiters.get(id(p), []):
            out.write("  waited on by %s in %s, called from %s\n" % (who, how, thaw_kit.where(fr)))
        # the verdict: the child blocks writing into a full pipe that nothing of ours reads, while we
        # wait for it to exit (or do not read that pipe)
        if rc is None and call and call.startswith("write") and full_pipes:
            blocked_fd = int(call.split()[-1]) if call.split()[-1].isdigit() else None
            for which, fd, n, held, f in full_pipes:
                if blocked_fd is not None and held and blocked_fd not in held:
                    continue
                if fd in readers or any(w[2] == "Popen.communicate" for w in waiters.get(id(p), [])):
                    continue
                waits = waiters.get(id(p), [])
                evidence = ["child %s (%s) is blocked in %s: its %s pipe holds %d unread bytes, full" % (
                    pid, thaw_kit.short(p.args, 80), call, which, n)]
                evidence += ["%s waits in %s, called from %s" % (w[0], w[2], thaw_kit.where(w[1])) for w in waits]
                evidence.append("no thread of this process is in read() on fd %d, and none is in communicate()" % fd)
                thaw_kit.verdict("pipe-deadlock",
                                 "child %s cannot finish: it is blocked writing to its %s pipe, which is full because "
                                 "this process does not read it%s" % (
                                     pid, which, " while %s waits for the child to exit" % waits[0][0] if waits and
                                     waits[0][2] == "Popen.wait" else ""),
                                 evidence, "use communicate() (it reads every pipe while it waits) or read the pipe "
                                 "before wait(); or send the output to a file or DEVNULL",
                                 "child %s" % pid)
                break
    except Exception as e:  # noqa: BLE001 - reaped or closed while read
        out.write("\nPopen %s: <unreadable: %s>\n" % (hex(id(p)), type(e).__name__))
if len(popens) > P["max_children"]:
    out.write("\n... %d more (max_children)\n" % (len(popens) - P["max_children"]))
thaw_kit.report(out, "no child is blocked writing into a full pipe that this process does not read")
