# Catalog target for py.lock_waiters and py.thread_stacks: threads parked on every kind of
# threading primitive, with names the test looks for. Prints "ready pid=N" once all are parked.
import os
import queue
import threading
import time

inventory_lock = threading.Lock()       # held by "stock-holder" inside a with-block
ledger_rlock = threading.RLock()        # held by "ledger-holder" (acquire() without with)
jobs_ready = threading.Condition()      # two consumers wait on it
shutdown_event = threading.Event()      # never set
slots = threading.Semaphore(0)          # no slot ever released
orders = queue.Queue()                  # always empty
release_holders = threading.Event()     # never set
lock_a = threading.Lock()
lock_b = threading.Lock()
both_hold = threading.Barrier(2)


class Loud:
    def __repr__(self):
        raise RuntimeError("broken __repr__")


def restock_inventory():
    with inventory_lock:
        pending = Loud()   # a local whose repr fails
        release_holders.wait()


def update_stock():
    with inventory_lock:
        pass


def post_ledger():
    ledger_rlock.acquire()
    release_holders.wait()


def read_ledger():
    with ledger_rlock:
        pass


def consume_jobs():
    with jobs_ready:
        jobs_ready.wait()


def wait_for_shutdown():
    shutdown_event.wait()


def take_slot():
    slots.acquire()


def next_order():
    return orders.get()


def join_holder(t):
    t.join()


def transfer_ab():
    with lock_a:
        both_hold.wait()
        with lock_b:
            pass


def transfer_ba():
    with lock_b:
        both_hold.wait()
        with lock_a:
            pass


def start(name, fn, *args):
    t = threading.Thread(target=fn, args=args, name=name, daemon=True)
    t.start()
    return t


holder = start("stock-holder", restock_inventory)
start("ledger-holder", post_ledger)
time.sleep(0.2)
start("stock-updater", update_stock)
start("ledger-reader", read_ledger)
start("consumer-1", consume_jobs)
start("consumer-2", consume_jobs)
start("shutdown-waiter", wait_for_shutdown)
start("slot-taker", take_slot)
start("order-reader", next_order)
start("holder-joiner", join_holder, holder)
start("transfer-ab", transfer_ab)
start("transfer-ba", transfer_ba)
time.sleep(0.5)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    time.sleep(0.05)
