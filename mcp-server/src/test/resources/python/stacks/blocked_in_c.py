# Seven threads, each blocked in a different C call (lock, event, sleep, recv, select, queue, read),
# and the main thread in lock.acquire().
import threading, time, socket, select, queue, os
lock = threading.Lock(); lock.acquire()
ev = threading.Event()
a, b = socket.socketpair()
r, w = os.pipe()
q = queue.Queue()
def in_lock(): lock.acquire()
def in_event(): ev.wait()
def in_sleep(): time.sleep(1000)
def in_recv(): a.recv(10)
def in_select(): select.select([b], [], [], 1000)
def in_queue(): q.get()
def in_read(): os.read(r, 1)
for f in (in_lock, in_event, in_sleep, in_recv, in_select, in_queue, in_read):
    threading.Thread(target=f, name=f.__name__, daemon=True).start()
_thaw_truth()
main_lock = threading.Lock(); main_lock.acquire()
main_lock.acquire()  # THAW-MARK main-waits
