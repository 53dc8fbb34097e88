# A 3.14 process that becomes a 3.15 one by exec (same pid, same start time) once the test creates
# /tmp/thaw-test-exec-PID; argv[1] is the program the 3.15 interpreter runs.
import os, sys, time
flag = '/tmp/thaw-test-exec-%d' % os.getpid()
print('ready', flush=True)
while not os.path.exists(flag):
    time.sleep(0.01)
os.unlink(flag)
os.execv('/usr/bin/python3.15', ['python3.15', '-c', sys.argv[1]])
