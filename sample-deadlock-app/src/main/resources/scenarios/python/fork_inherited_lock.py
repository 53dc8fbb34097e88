# thaw scenario py-fork-inherited-lock (sample-deadlock-app)
# A service with a background "log-flusher" thread forks a worker process (os.fork, as
# multiprocessing's 'fork' start method does). fork() copies the whole memory, locks included, but
# only the forking thread: the flusher held _log_lock at that moment, so in the child the lock is
# locked and no thread exists that will ever release it. The child's first log_event() blocks forever;
# the child has one thread, the parent goes on normally and waits for the child.
#
# Deterministic: the fork happens while the flusher is known to be inside the lock (an Event set from
# inside it). The pid line names the CHILD (the hung process) and is printed by the parent once the
# child's only thread is seen in a futex wait. The child dies with its parent (PR_SET_PDEATHSIG).
import ctypes
import os
import sys
import threading
import time

_log_lock = threading.Lock()
_inside = threading.Event()
_forked = threading.Event()


def log_event(lines):
    with _log_lock:  # the child blocks here: the lock was copied locked
        for line in lines:
            _inside.set()
            _forked.wait(5)
            time.sleep(0.01)  # writing a batch of lines to the log file, under the lock


def flush_loop():
    while True:
        log_event(["flushed"] * 50)


def worker_main():
    log_event(["worker started"])  # never returns
    os._exit(0)


threading.Thread(target=flush_loop, name="log-flusher", daemon=True).start()
_inside.wait()
pid = os.fork()
if pid == 0:
    ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL: the child dies with its parent
    worker_main()
_forked.set()


# --- scenario harness (parent): announce the child's pid once its only thread waits in a futex -------
def _child_waits():
    try:
        with open(f"/proc/{pid}/wchan") as f:
            wchan = f.read().strip()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0] == "S" and "futex" in wchan and int(fields[17]) == 1
    except (OSError, IndexError, ValueError):
        return False


_stable = 0
while _stable < 3:
    time.sleep(0.01)
    _stable = _stable + 1 if _child_waits() else 0
print(f"pid={pid} scenario=py-fork-inherited-lock", flush=True)
os.waitpid(pid, 0)
