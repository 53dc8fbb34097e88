# Main in Lock.acquire(), a worker in a read of stdin: every thread blocked without a timeout.
import sys, threading
lock = threading.Lock()
lock.acquire()
threading.Thread(target=sys.stdin.readline, name='stdin-waiter').start()
print('ready', flush=True)
lock.acquire()
