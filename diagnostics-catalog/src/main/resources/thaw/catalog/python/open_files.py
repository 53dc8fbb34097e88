# thaw-diagnostic
# {
#   "id": "py.open_files",
#   "runtime": "cpython",
#   "title": "Open file descriptors and sockets",
#   "question": "Which file descriptors does the process hold (files with mode and position, sockets with addresses and TCP state, pipes, eventfds, epoll), and which Python socket objects own them (family, type, addresses, blocking, timeout, variable name)?",
#   "params": {
#     "type": "object",
#     "properties": {
#       "max": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 200, "description": "file descriptors listed (all are counted)"}
#     },
#     "additionalProperties": false
#   },
#   "mutating": false,
#   "cost": "reads /proc/self/fd, /proc/self/fdinfo and /proc/self/net/{tcp,tcp6,udp,udp6,unix} (one readlink per descriptor), one pass over gc.get_objects() for socket objects; getsockname()/getpeername() on each, which never block"
# }
# Linux only (/proc). A descriptor closed while it is read is skipped; the injection's own output
# file is marked.
import gc
import os
import sys

P = params
KINDS = ("file", "socket", "pipe", "eventfd", "epoll", "anon_inode", "device", "other")
TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
              "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}


def read(path):
    try:
        with open(path) as fh:
            return fh.read()
    except Exception:  # noqa: BLE001
        return ""


def hex_addr(text, v6):
    try:
        host, port = text.split(":")
        port = int(port, 16)
        if not v6:
            b = bytes.fromhex(host)[::-1]
            return "%d.%d.%d.%d:%d" % (b[0], b[1], b[2], b[3], port)
        raw = bytes.fromhex(host)
        words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
        b = b"".join(words)
        import ipaddress
        return "[%s]:%d" % (ipaddress.IPv6Address(b), port)
    except Exception:  # noqa: BLE001
        return text


# inode -> description, from the kernel's socket tables
net = {}
for proto, v6 in (("tcp", False), ("tcp6", True), ("udp", False), ("udp6", True)):
    for line in read("/proc/self/net/%s" % proto).splitlines()[1:]:
        f = line.split()
        if len(f) < 10:
            continue
        state = TCP_STATES.get(f[3], f[3]) if proto.startswith("tcp") else ""
        remote = hex_addr(f[2], v6)
        desc = "%s %s%s%s" % (proto.upper(), hex_addr(f[1], v6),
                              "" if remote.endswith(":0") and remote.startswith(("0.0.0.0", "[::]")) else " -> " + remote,
                              " " + state if state else "")
        net[f[9]] = desc
for line in read("/proc/self/net/unix").splitlines()[1:]:
    f = line.split()
    if len(f) >= 7:
        net[f[6]] = "UNIX %s" % (f[7] if len(f) > 7 else "(unnamed)")

# Python socket objects: fd -> (object, names)
socks = {}
sock_types = []
for name in ("_socket", "socket"):
    m = sys.modules.get(name)
    if m is not None and isinstance(getattr(m, "socket", None), type):
        sock_types.append(m.socket)
gsock = sys.modules.get("gevent._socket3") or sys.modules.get("gevent.socket")
if gsock is not None and isinstance(getattr(gsock, "socket", None), type):
    sock_types.append(gsock.socket)
sock_types = tuple(sock_types)
if sock_types:
    for o in gc.get_objects():
        try:
            if isinstance(o, sock_types):
                fd = o.fileno()
                if fd >= 0 and (fd not in socks or type(o).__module__ != "_socket"):
                    socks[fd] = o
        except Exception:  # noqa: BLE001
            continue
names = {}
seen = set()
for mname, mod in list(sys.modules.items()):
    if id(mod) in seen:
        continue
    seen.add(id(mod))
    try:
        for k, v in list(object.__getattribute__(mod, "__dict__").items()):
            if sock_types and isinstance(v, sock_types):
                names.setdefault(id(v), []).append("%s.%s" % (mname, k))
            elif hasattr(v, "fileno") and hasattr(v, "mode") and hasattr(v, "name") and not isinstance(v, type):
                try:
                    names.setdefault(("fd", v.fileno()), []).append("%s.%s" % (mname, k))
                except Exception:  # noqa: BLE001
                    pass
    except Exception:  # noqa: BLE001
        continue


def sock_text(s):
    parts = []
    for attr, fmt in (("family", "%s"), ("type", "%s")):
        try:
            v = getattr(s, attr)
            parts.append(getattr(v, "name", str(v)))
        except Exception:  # noqa: BLE001
            pass
    for call, label in (("getsockname", "laddr"), ("getpeername", "raddr")):
        try:
            parts.append("%s=%s" % (label, getattr(s, call)()))
        except Exception:  # noqa: BLE001
            pass
    try:
        t = s.gettimeout()
        parts.append("blocking" if t is None else "non-blocking" if t == 0 else "timeout=%ss" % t)
    except Exception:  # noqa: BLE001
        pass
    label = names.get(id(s))
    return "%s object%s: %s" % (type(s).__module__ + "." + type(s).__qualname__,
                                " `%s`" % ", ".join(label[:2]) if label else "", " ".join(parts))


FLAGS = {0: "r", 1: "w", 2: "rw"}
try:
    fds = sorted(int(x) for x in os.listdir("/proc/self/fd"))
except Exception as e:  # noqa: BLE001
    out.write("cannot list /proc/self/fd: %s\n" % e)
    thaw_kit.report(out, "/proc/self/fd is not readable")
    raise SystemExit(0)
rows = []
counts = dict.fromkeys(KINDS, 0)
for fd in fds:
    try:
        target = os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        continue   # closed meanwhile (or this listing's own directory fd)
    info = read("/proc/self/fdinfo/%d" % fd)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    if target.startswith("socket:["):
        kind = "socket"
        inode = target[8:-1]
        desc = net.get(inode, "socket inode %s" % inode)
        if fd in socks:
            desc += "  <- " + sock_text(socks[fd])
    elif target.startswith("pipe:["):
        try:
            end = {0: "read end", 1: "write end"}.get(int(fields.get("flags", "0").strip(), 8) & 3, "")
        except ValueError:
            end = ""
        kind, desc = "pipe", target + (" (%s)" % end if end else "")
    elif target.startswith("anon_inode:"):
        what = target[len("anon_inode:"):].strip("[]")
        kind = "eventfd" if what == "eventfd" else "epoll" if what == "eventpoll" else "anon_inode"
        desc = target
    elif target.startswith("/dev/") and not target.startswith("/dev/shm/"):  # /dev/shm holds plain files
        kind, desc = "device", target
    elif target.startswith("/"):
        kind = "file"
        try:
            mode = FLAGS.get(int(fields.get("flags", "0").strip(), 8) & 3, "?")
        except ValueError:
            mode = "?"
        desc = "%s (%s, pos %s)" % (target, mode, fields.get("pos", "?").strip())
        label = names.get(("fd", fd))
        if label:
            desc += "  <- `%s`" % ", ".join(label[:2])
        if "/thaw-inj-" in target:
            desc += "  (thaw's own: this injection's output)"
    else:
        kind, desc = "other", target
    counts[kind] += 1
    rows.append((fd, kind, desc))

try:
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = "; limit %s (soft) / %s (hard)" % (soft, hard)
except Exception:  # noqa: BLE001
    limit = ""
out.write("Open file descriptors: %d (%s)%s\n" % (len(rows), ", ".join(
    "%d %s" % (counts[k], k) for k in KINDS if counts[k]), limit))
for fd, kind, desc in rows[:P["max"]]:
    out.write("  fd %-4d %-9s %s\n" % (fd, kind, desc))
if len(rows) > P["max"]:
    out.write("  ... %d more (max)\n" % (len(rows) - P["max"]))
orphans = [s for fd, s in socks.items() if fd not in [r[0] for r in rows]]
if orphans:
    out.write("socket objects whose descriptor was not listed: %d\n" % len(orphans))

thaw_kit.report(out, "this diagnostic describes; it draws no conclusions (py.lock_waiters, py.asyncio_tasks, py.futures, py.thread_pools and the gevent entries do)")
