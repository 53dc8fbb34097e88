# Once anything starts a thread (the injected script's), the main thread computes a sum over a
# range, which never lets go of the GIL; a long switch interval keeps the GIL from being asked for
# before that.
import _thread, sys, time
sys.setswitchinterval(100)
started = []
real = _thread.start_new_thread
def start(*a, **k):
    started.append(1)
    return real(*a, **k)
_thread.start_new_thread = start
print('ready', flush=True)
while True:
    time.sleep(0.01)
    if started:
        sum(range(10 ** 12))
