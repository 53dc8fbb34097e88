# Catalog target for py.gc_stats, py.tracemalloc_start and py.tracemalloc_top: the main thread keeps
# creating LeakyRecord objects in grow_cache() into a bounded cache (50000 records, the oldest
# dropped), so live objects of that type dominate the gc counts and, once tracing is on, the
# allocation sites in grow_cache()/LeakyRecord.__init__ dominate tracemalloc's statistics.
import collections
import os
import time


class LeakyRecord:
    def __init__(self, n):
        self.n = n
        self.payload = {"n": n, "blob": bytearray(256)}


cache = collections.deque(maxlen=50000)


def grow_cache(batch):
    for i in range(batch):
        cache.append(LeakyRecord(i))


grow_cache(50000)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    grow_cache(500)
    time.sleep(0.02)
