# The main script returns while a non-daemon thread keeps running: the main thread is in
# threading._shutdown() and sys.remote_exec cannot reach it.
import threading, time
def keep():
    while True:
        time.sleep(0.01)
threading.Thread(target=keep, name='keeper').start()
print('ready', flush=True)
