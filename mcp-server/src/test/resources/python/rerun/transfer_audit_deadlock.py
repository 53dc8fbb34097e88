# Two workers take two locks in opposite orders and deadlock; with FIXED=1 in the environment
# they take them in one order (the fix) and finish. The main thread stays in a sleep loop.
import os, threading, time
accounts, ledger = threading.Lock(), threading.Lock()
both = threading.Barrier(2)
fixed = os.environ.get('FIXED') == '1'
def transfer():
    with accounts:
        if not fixed: both.wait()
        with ledger: pass
def audit():
    first, second = (accounts, ledger) if fixed else (ledger, accounts)
    with first:
        if not fixed: both.wait()
        with second: pass
threading.Thread(target=transfer, name='transfer-worker').start()
threading.Thread(target=audit, name='audit-worker').start()
time.sleep(0.5)
print('ready', flush=True)
while True:
    time.sleep(0.01)
