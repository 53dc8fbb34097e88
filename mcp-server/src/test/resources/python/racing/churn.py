# Five threads that churn frames (calls, returns, lambdas) as fast as they can: stacks change under the reader.
import threading, sys
def up(n):
    if n:
        return up(n - 1) + 1
    return down(30)
def down(n):
    s = 0
    for i in range(n):
        s += i
    return s
def churn():
    while True:
        up(40)
        f = lambda x: x + 1
        f(1)
for i in range(4):
    threading.Thread(target=churn, name='churn', daemon=True).start()
print('ready', flush=True)
churn()
