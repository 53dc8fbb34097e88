# gevent imported (not patched): the main greenlet sleeps cooperatively, so the process is a gevent one.
import gevent
print('ready', flush=True)
while True:
    gevent.sleep(1)
