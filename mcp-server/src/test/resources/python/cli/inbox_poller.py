# A worker whose frame holds a secret-looking local (token); the main thread in a sleep loop.
import threading, time
def poll_inbox(token='s3cret'):
    while True:
        time.sleep(0.05)
threading.Thread(target=poll_inbox, name='inbox-poller', daemon=True).start()
print('ready', flush=True)
while True:
    time.sleep(0.01)
