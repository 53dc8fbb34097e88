# Says ready, then replaces itself with /bin/sleep (same pid) once a line arrives on stdin.
import os, sys
print('ready', flush=True)
sys.stdin.readline()
os.execv('/bin/sleep', ['sleep', '60'])
