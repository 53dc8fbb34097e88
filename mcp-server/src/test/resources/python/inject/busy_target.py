# The main loop runs in a function (so an inline script sees a named frame), and a heartbeat thread
# prints "hb N" on stdout every 20 ms.
import threading, time
def beat():
    i = 0
    while True:
        i += 1
        print('hb', i, flush=True)
        time.sleep(0.02)
def loop():
    while True:
        time.sleep(0.01)
print('ready', flush=True)
threading.Thread(target=beat, daemon=True).start()
loop()
