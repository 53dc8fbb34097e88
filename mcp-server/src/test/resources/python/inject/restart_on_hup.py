# A SIGHUP handler that would restart the program; the main thread blocked in Lock.acquire().
import signal, threading
def restart(signum, frame):
    print('RESTARTING', flush=True)
signal.signal(signal.SIGHUP, restart)
print('ready', flush=True)
lock = threading.Lock(); lock.acquire(); lock.acquire()
