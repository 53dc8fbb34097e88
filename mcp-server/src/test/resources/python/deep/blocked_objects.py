# A target whose threads block in C on known Python objects, for thaw's memory reads of
# thread names, waited-on objects and locals. argv[1]: a file where the target writes what it
# knows about itself (object addresses as id(), the locals of `captured`) before it blocks.
import json, os, queue, select, sys, threading, time

truth = {}
cv = threading.Condition()
rlock = threading.RLock()
plain = threading.Lock()
simple = queue.SimpleQueue()
never = threading.Event()
ready = threading.Barrier(8)


def cond_waiter():
    ready.wait()
    with cv:
        cv.wait()  # marker: cond-wait


def rlock_owner():
    rlock.acquire()
    rlock.acquire()
    ready.wait()
    never.wait()


def rlock_waiter():
    ready.wait()
    time.sleep(0.2)
    rlock.acquire()  # marker: rlock-acquire


def lock_waiter():
    ready.wait()
    plain.acquire()  # marker: lock-acquire


def queue_getter():
    ready.wait()
    simple.get()  # marker: queue-get


def joiner(other):
    ready.wait()
    other.join()  # marker: join


def captured(alpha, beta=None):
    count = 42
    text = "hello, thaw"
    items = [1, 2, 3]
    table = {"a": 1}
    ratio = 1.5
    raw = b"ab\x00"
    nothing = None
    frame = sys._getframe(0)
    truth["locals"] = {k: [type(v).__module__ + "." + type(v).__qualname__, id(v)] for k, v in frame.f_locals.items()
                       if k != "frame"}
    del frame
    with open(sys.argv[1] + ".tmp", "w") as f:
        json.dump(truth, f)
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    print("ready", flush=True)
    r, w = os.pipe()
    select.select([r], [], [])  # marker: select


plain.acquire()
threads = [threading.Thread(target=cond_waiter, name="cond-a"), threading.Thread(target=cond_waiter, name="cond-b"),
           threading.Thread(target=rlock_owner, name="rlock-owner"),
           threading.Thread(target=rlock_waiter, name="rlock-waiter"),
           threading.Thread(target=lock_waiter, name="lock-waiter"),
           threading.Thread(target=queue_getter, name="queue-getter-with-a-long-name")]
for t in threads:
    t.daemon = True
    t.start()
j = threading.Thread(target=joiner, args=(threads[2],), name="joiner", daemon=True)
j.start()
ready.wait()
time.sleep(0.5)
truth.update(cv=id(cv), rlock=id(rlock), plain=id(plain), simple=id(simple), owner=threads[2].ident,
             idents={t.name: t.ident for t in threading.enumerate()})
captured("first", beta=[None] * 5)
