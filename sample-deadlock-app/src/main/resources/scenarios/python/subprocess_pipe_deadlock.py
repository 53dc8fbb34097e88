# thaw scenario py-subprocess-pipe-deadlock (sample-deadlock-app)
# A report export job (its main thread named report-export) runs a converter as a child process with
# its output on a pipe, then waits for the child to exit before reading what it wrote. The converter
# writes more than a pipe holds (64 KiB): it blocks in write() until someone reads, and the exporter
# blocks in wait() until it exits. No error, no timeout: both wait forever. A metrics thread keeps
# ticking, so the process still runs Python.
# Deterministic: the pid line is printed once the child is seen blocked in write with a full pipe.
import fcntl
import os
import struct
import subprocess
import sys
import termios
import threading

metrics_stop = threading.Event()


def publish_metrics():
    while not metrics_stop.wait(0.2):
        pass


def export_report():
    # The converter: prints a 256 KiB report on stdout.
    converter = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.write('row,' * 65536)"],
                                 stdout=subprocess.PIPE)
    converter.wait()                      # waits for the child, which waits for us to read
    return converter.stdout.read()        # never reached


# --- scenario harness: announce the pid once the child is blocked writing into a full pipe -------------
def _child_blocked():
    import gc
    for o in gc.get_objects():
        if isinstance(o, subprocess.Popen) and o.returncode is None and o.stdout is not None:
            try:
                n = struct.unpack("i", fcntl.ioctl(o.stdout.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
                with open("/proc/%d/stat" % o.pid) as fh:
                    state = fh.read().rsplit(")", 1)[1].split()[0]
                return n >= fcntl.fcntl(o.stdout.fileno(), 1032) and state == "S"
            except OSError:
                return False
    return False


def _announce():
    stable = 0
    while stable < 3:
        stable = stable + 1 if _child_blocked() else 0
        threading.Event().wait(0.05)
    print(f"pid={os.getpid()} scenario=py-subprocess-pipe-deadlock", flush=True)


threading.Thread(target=publish_metrics, name="metrics", daemon=True).start()
threading.Thread(target=_announce, name="announce", daemon=True).start()
threading.current_thread().name = "report-export"   # the job names its thread (the OS name follows)
export_report()
