# The main thread runs a 10 ms sleep loop.
import time
print('ready', flush=True)
while True:
    time.sleep(0.01)
