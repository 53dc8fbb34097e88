# The main thread runs a 10 ms sleep loop inside loop() (a named frame for inline scripts).
import time
def loop():
    while True:
        time.sleep(0.01)
print('ready', flush=True)
loop()
