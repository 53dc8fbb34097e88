# thaw scenario py-pipe-deadlock (sample-deadlock-app)
# A report exporter runs a converter as a child process with its output on a pipe, and waits for the
# child to exit before reading the output. The child writes more than a pipe holds (64 KiB on Linux):
# its write blocks until someone reads, and the parent never reads because it waits in wait4() for the
# child to exit. Each waits for the other, forever; nothing errors and nothing is logged.
#
# Deterministic: the child always writes 1 MB, far more than any pipe buffer. The pid line is printed
# (by a short-lived harness thread that then exits) once the child is seen blocked in pipe_write and
# the main thread is seen inside Popen.wait.
import os
import subprocess
import sys
import threading
import time

CONVERTER = "import sys; sys.stdout.write('row,' * 250_000); sys.stdout.flush()"


def export_report():
    converter = subprocess.Popen([sys.executable, "-c", CONVERTER], stdout=subprocess.PIPE)
    converter.wait()  # BUG: waits for the exit before reading stdout (communicate() reads while waiting)
    return converter.stdout.read()


# --- scenario harness: announce the pid once the child blocks writing and the parent waits for it -------
def _child_blocked_writing():
    for tid in os.listdir(f"/proc/{os.getpid()}/task"):
        try:
            with open(f"/proc/{os.getpid()}/task/{tid}/children") as f:
                kids = f.read().split()
        except OSError:
            continue
        for kid in kids:
            try:
                with open(f"/proc/{kid}/wchan") as f:
                    if "pipe_write" in f.read():
                        return True
            except OSError:
                pass
    return False


def _announce_when_hung():
    main = threading.main_thread().ident
    stable = 0
    while stable < 3:
        time.sleep(0.01)
        frame = sys._current_frames().get(main)
        waiting = frame is not None and frame.f_code.co_name in ("_try_wait", "_wait", "wait")
        stable = stable + 1 if waiting and _child_blocked_writing() else 0
    print(f"pid={os.getpid()} scenario=py-pipe-deadlock", flush=True)


threading.Thread(target=_announce_when_hung, name="harness").start()
export_report()
