# A worker whose frame holds a password and a report id as locals; the main thread in a sleep loop.
import threading, time
def fetch_report(password='hunter2', report_id=42):
    while True:
        time.sleep(0.05)
threading.Thread(target=fetch_report, name='report-worker', daemon=True).start()
print('ready', flush=True)
while True:
    time.sleep(0.01)
