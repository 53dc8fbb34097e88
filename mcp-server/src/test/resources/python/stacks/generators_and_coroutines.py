# A thread blocked inside a generator delegated to with yield from, and one inside a coroutine
# awaited by another under asyncio.run.
import threading, asyncio
ev = threading.Event()
def gen():
    yield 1
    ev.wait()
    yield 2
def sub():
    yield from gen()
def gen_thread():
    g = sub(); next(g); next(g)
async def inner():
    ev.wait()
async def outer():
    await inner()
def coro_thread():
    asyncio.run(outer())
threading.Thread(target=gen_thread, name='gen', daemon=True).start()
threading.Thread(target=coro_thread, name='coro', daemon=True).start()
_thaw_truth()
ev.wait()
