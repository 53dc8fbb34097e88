# sys.argv[1] gevent greenlets, each three functions deep in gevent.sleep; then the hub thread
# blocks in C (a real lock never released), so every greenlet stays suspended.
import _thread
import sys

import gevent

N = int(sys.argv[1])
never = _thread.allocate_lock()
never.acquire()


def leaf(n):
    gevent.sleep(1000 + n)


def middle(n):
    leaf(n)


def outer(n):
    middle(n)


def block():
    gevent.sleep(0.3)
    print("ready", flush=True)
    never.acquire()


greenlets = [gevent.spawn(outer, i) for i in range(N - 1)]
gevent.joinall([gevent.spawn(block)])
