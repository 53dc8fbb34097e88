# A target whose source files change and vanish after it imported them: thaw must mark the lines
# of the changed file stale and say that the deleted one is missing. argv[1]: a directory where
# the target writes its two helper modules before importing them.
import os, sys, threading, time

d = sys.argv[1]
for name in ("helper_kept", "helper_deleted"):
    with open(os.path.join(d, name + ".py"), "w") as f:
        f.write("import threading\n\n\ndef park(ev):\n    ev.wait()  # THAW-MARK park-waits\n")
sys.path.insert(0, d)
import helper_kept, helper_deleted

ev = threading.Event()
t = threading.Thread(target=helper_deleted.park, args=(ev,), name="deleted-park", daemon=True)
t.start()
def parked():
    f = sys._current_frames()[t.ident]  # Condition.wait called from Event.wait: blocked on its waiter lock
    return f.f_code.co_qualname == "Condition.wait" and f.f_back.f_code.co_qualname == "Event.wait"


while not parked():
    time.sleep(0.01)
time.sleep(0.1)
print("ready", flush=True)
helper_kept.park(ev)
