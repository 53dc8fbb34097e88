# What the first program execs into: a new function, parked.
import threading
def after_exec(): threading.Event().wait()
print('ready', flush=True)
after_exec()
