# sys.argv[1] asyncio tasks, each three coroutines deep, half of them gathered by parent tasks;
# then the loop thread blocks in C (a real lock never released) with every task suspended.
import asyncio
import sys
import threading

N = int(sys.argv[1])
never = threading.Lock()
never.acquire()


async def leaf(n):
    await asyncio.sleep(1000 + n)


async def middle(n):
    await leaf(n)


async def outer(n):
    await middle(n)


async def parent(a, b):
    await asyncio.gather(a, b)


async def main():
    tasks = [asyncio.create_task(outer(i), name=f"worker-{i}") for i in range(N - N // 4 - 1)]
    for i in range(0, N // 2 - 1, 2):
        asyncio.create_task(parent(tasks[i], tasks[i + 1]), name=f"parent-{i}")
    await asyncio.sleep(0.2)
    print("ready", len(asyncio.all_tasks()), flush=True)
    never.acquire()


asyncio.run(main())
