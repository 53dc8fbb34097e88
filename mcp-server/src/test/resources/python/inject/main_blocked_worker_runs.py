# The main thread blocks forever in Lock.acquire() while a worker keeps running bytecode.
import threading, time
lock = threading.Lock()
lock.acquire()
def work():
    n = 0
    while True:
        n += 1
        if n % 50000 == 0:
            time.sleep(0.001)
threading.Thread(target=work, daemon=True, name='worker').start()
print('ready', flush=True)
lock.acquire()
