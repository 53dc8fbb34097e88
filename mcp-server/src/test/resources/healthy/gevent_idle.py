# Healthy: a patched gevent worker with nothing to do: a StreamServer with no clients and a greenlet
# that sleeps cooperatively; the hub idles in its loop.
from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from gevent.server import StreamServer  # noqa: E402


def handle(sock, address):
    sock.close()


def ticker():
    while True:
        gevent.sleep(5)


server = StreamServer(("127.0.0.1", 0), handle)
server.start()
gevent.spawn(ticker)
print("READY", flush=True)
server.serve_forever()
