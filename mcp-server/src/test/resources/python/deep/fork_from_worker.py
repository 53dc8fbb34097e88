# A child forked from a worker thread while another thread held a lock: the child's only thread is
# a copy of the worker (its Thread object, its OS name), on the child's first OS thread, and it
# blocks forever on the lock nobody in the child will release. Prints the child's pid.
import os, threading, time, warnings

warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads: the point of this target
held = threading.Lock()


def holder():
    held.acquire()
    time.sleep(3600)


def forker():
    if os.fork() == 0:
        print(os.getpid(), flush=True)
        held.acquire()  # marker: child-acquire
        os._exit(0)


threading.Thread(target=holder, name="holder", daemon=True).start()
time.sleep(0.2)
threading.Thread(target=forker, name="forker-1", daemon=True).start()
time.sleep(3600)
