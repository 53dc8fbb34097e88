# Three threads waiting on a lock, a spinner holding the GIL, the main thread on another lock.
import threading
lock = threading.Lock(); lock.acquire()
def waiter(): lock.acquire()
def spin():
    x = 0
    while True:
        x += 1
import time
for i in range(3):
    threading.Thread(target=waiter, name='waiter', daemon=True).start()
time.sleep(0.3)  # all waiters parked before the spinner starts hogging the GIL
threading.Thread(target=spin, name='spinner', daemon=True).start()
# 'ready' comes from a timer once the main thread is surely parked below
threading.Timer(0.5, lambda: print('ready', flush=True)).start()
lock2 = threading.Lock(); lock2.acquire(); lock2.acquire()
