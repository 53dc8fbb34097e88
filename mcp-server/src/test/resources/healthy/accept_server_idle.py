# Healthy: a blocking socket server thread in accept() with no clients, the main thread sleeping in a loop.
import socket
import threading
import time


def serve(sock):
    while True:
        conn, _ = sock.accept()
        conn.close()


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen()
threading.Thread(target=serve, args=(sock,), name="acceptor").start()
print("READY", flush=True)
while True:
    time.sleep(1)
