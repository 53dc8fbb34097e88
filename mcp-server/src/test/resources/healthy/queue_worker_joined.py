# Healthy: a service whose main thread joins its worker; the worker waits without a timeout on a queue
# that an acceptor thread (in accept(), no clients yet) fills, one job per connection. A thread joined
# while it waits on a queue is no lost wake-up when another live thread can still feed it.
import queue
import socket
import threading

jobs = queue.Queue()


def accept_jobs(sock):
    while True:
        conn, _ = sock.accept()
        jobs.put(conn)


def work():
    while True:
        jobs.get().close()


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen()
threading.Thread(target=accept_jobs, args=(sock,), name="acceptor", daemon=True).start()
worker = threading.Thread(target=work, name="worker")
worker.start()
print("READY", flush=True)
worker.join()
