# A worker parked on an event; the main thread in a 10 ms sleep loop.
import threading, time
def parked():
    threading.Event().wait()
threading.Thread(target=parked, name='parked').start()
print('ready', flush=True)
while True: time.sleep(0.01)
