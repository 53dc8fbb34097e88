# Catalog target for py.open_files: a listening TCP socket `listener` on 127.0.0.1, a connected
# client `client_conn` and its accepted peer `server_conn`, a UDP socket `metrics_udp`, an open log
# file `audit_log` (written, so its position is past 0) and a pipe. Prints "ready pid=N port=P".
import os
import socket
import time

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(8)
port = listener.getsockname()[1]
client_conn = socket.create_connection(("127.0.0.1", port))
client_conn.settimeout(2.5)
server_conn, _ = listener.accept()
metrics_udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
metrics_udp.bind(("127.0.0.1", 0))
audit_log = open("/tmp/thaw-catalog-audit-%d.log" % os.getpid(), "w")
audit_log.write("opened\n")
audit_log.flush()
pipe_r, pipe_w = os.pipe()
print("ready pid=%d port=%d" % (os.getpid(), port), flush=True)
try:
    while True:
        time.sleep(0.05)
finally:
    os.unlink(audit_log.name)
