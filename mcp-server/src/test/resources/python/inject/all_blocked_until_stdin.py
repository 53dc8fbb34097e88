# Every thread blocked without a timeout: main in Lock.acquire(), a worker in a read of stdin
# that releases it; the main thread then prints "released N" for two seconds.
import sys, threading, time
lock = threading.Lock()
lock.acquire()
def wait_for_stdin():
    sys.stdin.readline()
    lock.release()
threading.Thread(target=wait_for_stdin, name='stdin-waiter').start()
print('ready', flush=True)
lock.acquire()
for i in range(40):
    print('released', i, flush=True)
    time.sleep(0.05)
