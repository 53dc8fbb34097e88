# Healthy: a CPU-bound worker thread computing, the main thread joining it.
import threading


def crunch():
    n = 0
    while True:
        n = (n * 31 + 7) % 1_000_003


worker = threading.Thread(target=crunch, name="cruncher")
worker.start()
print("READY", flush=True)
worker.join()
