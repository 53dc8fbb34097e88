# Four threads and the main one all run bytecode: each could be armed for an injection.
import threading, time
def spin():
    n = 0
    while True:
        n += 1
        if n % 20000 == 0:
            time.sleep(0)
for i in range(4):
    threading.Thread(target=spin, daemon=True).start()
print('ready', flush=True)
while True:
    time.sleep(0.001)
