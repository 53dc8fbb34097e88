# Healthy: a threading HTTP server with no clients, its main thread in serve_forever (a selector
# poll with a timeout), a handler thread parked in accept-free idleness. Must raise no finding.
import http.server
import threading

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
threading.Timer(0.2, lambda: print("READY", flush=True)).start()
server.serve_forever()
