# gevent, monkey-patched: seven greenlets sleeping in a loop and one printing "hb N" every 50 ms.
from gevent import monkey
monkey.patch_all()
import gevent, time
def worker(i):
    while True:
        gevent.sleep(0.02)
def beat():
    n = 0
    while True:
        n += 1
        print('hb', n, flush=True)
        time.sleep(0.05)
greenlets = [gevent.spawn(worker, i) for i in range(7)] + [gevent.spawn(beat)]
print('ready', flush=True)
gevent.joinall(greenlets)
