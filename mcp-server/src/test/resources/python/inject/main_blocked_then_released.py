# The main thread blocks in a module-level lock.acquire() without timeout; a thread releases it
# after 2.5 s and the main thread then prints "main woke" and runs bytecode.
import threading, time
lock = threading.Lock()
lock.acquire()
def release():
    time.sleep(2.5)
    lock.release()
threading.Thread(target=release, daemon=True).start()
print('ready', flush=True)
lock.acquire()  # THAW-MARK main-blocks
print('main woke', flush=True)
while True:
    time.sleep(0.05)
