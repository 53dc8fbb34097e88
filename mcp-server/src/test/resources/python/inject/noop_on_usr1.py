# A do-nothing SIGUSR1 handler (a harmless way to wake the main thread); the main thread blocked
# in Lock.acquire().
import signal, threading
def ignore_it(signum, frame):
    pass
signal.signal(signal.SIGUSR1, ignore_it)
print('ready', flush=True)
lock = threading.Lock(); lock.acquire(); lock.acquire()
