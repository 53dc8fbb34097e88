# A daemon thread and the main thread, both in 10 ms sleep loops.
import threading, time
def beat():
    while True:
        time.sleep(0.01)
threading.Thread(target=beat, name='beat', daemon=True).start()
print('ready', flush=True)
while True:
    time.sleep(0.01)
