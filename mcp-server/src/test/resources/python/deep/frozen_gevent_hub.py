# A fully frozen gevent process: after monkey-patching, a greenlet blocks the hub's thread in a
# real C queue wait (the _queue module's SimpleQueue, which gevent does not patch), so neither the
# hub nor any other greenlet ever runs again, and no injected script can run either.
from gevent import monkey
monkey.patch_all()
import _queue
import gevent

jobs = _queue.SimpleQueue()


def worker():
    print("ready", flush=True)
    jobs.get()  # marker: frozen-get


gevent.spawn(worker).join()
