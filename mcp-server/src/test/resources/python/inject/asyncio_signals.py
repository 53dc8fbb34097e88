# asyncio's signal handling: a do-nothing Python handler, the real work done by the loop through
# the wakeup fd.
import asyncio, signal
async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, lambda: print('RELOADING', flush=True))
    print('ready', flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
