# Says ready and waits for a line on stdin in before_exec(), then execs the same interpreter
# (same pid, same start time) on the program given as argv[1].
import os, sys, threading
def before_exec(): sys.stdin.readline()
print('ready', flush=True)
before_exec()
os.execv(sys.executable, [sys.executable, '-c', sys.argv[1]])
