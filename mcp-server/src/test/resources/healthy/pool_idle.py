# Healthy: a thread pool whose workers finished their work and wait on the empty work queue; the main
# thread sleeps in a loop.
import concurrent.futures
import time

pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="idle-pool")
list(pool.map(lambda x: x * x, range(16)))
for _ in range(4):
    pool.submit(time.sleep, 0.05)
time.sleep(0.3)
print("READY", flush=True)
while True:
    time.sleep(1)
