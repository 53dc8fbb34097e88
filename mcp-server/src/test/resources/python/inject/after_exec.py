# What execs_python_3_15.py becomes: says ready again and runs bytecode.
import time
print('ready2', flush=True)
while True:
    time.sleep(0.01)
