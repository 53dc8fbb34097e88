# The main thread sleeps 5 s at a time; a worker waits on a lock without timeout. Prints the
# worker's native id.
import threading, time
lock = threading.Lock()
lock.acquire()
def blocked():
    lock.acquire()
t = threading.Thread(target=blocked)
t.start()
print(t.native_id, flush=True)
while True:
    time.sleep(5)
