# A thread named with terminal control sequences: OSC 0 (retitle the window), CSI 2J (clear the
# screen), a CR that would overwrite the line, a C1 CSI.
import threading, time, sys
EVIL = '\x1b]0;owned\x07\x1b[2J\rfake\x9b1m'
def worker():
    while True:
        time.sleep(0.05)
threading.Thread(target=worker, name='t' + EVIL, daemon=True).start()
print('ready', flush=True)
while True:
    time.sleep(0.01)
