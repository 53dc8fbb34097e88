# Prints the exact version as the interpreter knows it, then idles. The test fills in the last
# line, which names its run, so that it finds its own target among the processes.
import sys, time
v = sys.version_info
level = {'alpha': 'a', 'beta': 'b', 'candidate': 'rc', 'final': ''}[v.releaselevel]
print(f"READY {v.major}.{v.minor}.{v.micro}{level}{v.serial if level else ''}", flush=True)
while True:  # short sleeps: a thread that wakes by itself, so an injection could be delivered
    time.sleep(0.1)
# marker: %s
