# thaw scenario py-asyncio-lost-wakeup (sample-deadlock-app)
# An asyncio service whose loop keeps running while one request waits forever for a wake-up that never
# comes.
#
# The fetch_report task hands a blocking native call (rendering a PDF) to a plain thread, so that it does
# not block the loop, and awaits a loop Future that the thread is to complete with
# loop.call_soon_threadsafe(future.set_result, ...). The thread raises before it gets there: it dies (its
# traceback goes to stderr, where nobody looks) and the Future stays pending. The handle_request task
# awaits fetch_report; the heartbeat task ticks, the queue consumer idles, and the loop sits in its
# selector between timers. A stack snapshot shows the idle loop, and the task list read from memory shows
# the two pending tasks (fetch_report at its await, awaited by handle_request).
# Injection works: the loop's thread passes safe points every heartbeat.
#
# Deterministic: the pid line is printed once the renderer thread has exited and the task is parked.
import asyncio
import os
import threading

renderer = []


def render_pdf(loop, done, report_id):
    fonts = {"body": "DejaVuSans"}
    font = fonts["heading"]  # KeyError: the thread dies here ...
    loop.call_soon_threadsafe(done.set_result, f"/reports/{report_id}.pdf with {font}")  # ... so no wake-up


async def fetch_report(report_id):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    thread = threading.Thread(target=render_pdf, args=(loop, done, report_id), name="pdf-renderer")
    renderer.append(thread)
    thread.start()
    return await done  # no timeout: waits forever


async def handle_request(report_id):
    path = await asyncio.create_task(fetch_report(report_id), name="fetch_report")
    print(f"report {report_id} at {path}", flush=True)  # never reached


async def heartbeat():
    while True:
        await asyncio.sleep(0.1)  # a liveness ping: the service looks healthy


async def consume_jobs(jobs):
    while True:
        await jobs.get()  # idle: nobody enqueues


async def main():
    jobs = asyncio.Queue()
    asyncio.create_task(heartbeat(), name="heartbeat")
    asyncio.create_task(consume_jobs(jobs), name="consume_jobs")
    request = asyncio.create_task(handle_request("R-2077"), name="handle_request")
    # --- scenario harness: announce the pid once the renderer thread is gone and the task is parked ---
    while not renderer or renderer[0].is_alive():
        await asyncio.sleep(0.005)
    print(f"pid={os.getpid()} scenario=py-asyncio-lost-wakeup", flush=True)
    await request  # the service waits for its request: forever


asyncio.run(main())
