# thaw scenario py-asyncio-self-block (sample-deadlock-app)
# An asyncio event loop blocks itself: code running ON the loop calls a synchronous facade,
# asyncio.run_coroutine_threadsafe(coro, loop).result(), that is meant for OTHER threads.
#
# The service runs its event loop in a thread named "event-loop" (the main thread owns start-up and
# shutdown, as in an application that embeds asyncio). SettingsClient.get_sync() schedules fetch() on
# the loop and blocks the calling thread on a concurrent.futures.Future. The legacy helper
# render_invoice() calls it from inside the handle_request task, i.e. on the loop's own thread: the
# loop can no longer run anything, so fetch() never even starts and the Future is never resolved.
# The other tasks (poll_metrics, flush_audit_log) are starved: pending, their wake-ups overdue.
# Nothing raises and nothing is logged; the thread just sits in a lock wait with no timeout.
#
# A snapshot shows the event-loop thread in Condition.wait under Future.result, SettingsClient.get_sync,
# render_invoice and handle_request. The main thread waits for the loop thread with join(timeout=0.5)
# in a loop (so that Ctrl-C works), so injection works and an asyncio diagnostic can list the tasks.
#
# Deterministic: the pid line is printed once the loop thread is seen parked in Condition.wait.
import asyncio
import os
import sys
import threading


class SettingsClient:
    """An async settings client with a synchronous facade for legacy code on other threads."""

    def __init__(self, loop):
        self._loop = loop

    async def fetch(self, key):
        await asyncio.sleep(0.01)  # a network round trip
        return {"db_url": "postgres://db.internal/billing"}[key]

    def get_sync(self, key):
        return asyncio.run_coroutine_threadsafe(self.fetch(key), self._loop).result()  # no timeout


def render_invoice(settings, order_id):
    # Legacy synchronous code, written for worker threads, now called from a coroutine.
    db_url = settings.get_sync("db_url")
    return f"invoice {order_id} from {db_url}"


async def handle_request(settings, order_id):
    await asyncio.sleep(0)  # e.g. parse the request
    return render_invoice(settings, order_id)


async def poll_metrics():
    while True:
        await asyncio.sleep(0.05)


async def flush_audit_log(entries):
    while True:
        entry = await entries.get()
        print("audit:", entry, flush=True)


async def serve():
    asyncio.current_task().set_name("serve")
    settings = SettingsClient(asyncio.get_running_loop())
    entries = asyncio.Queue()
    background = [
        asyncio.create_task(poll_metrics(), name="poll_metrics"),
        asyncio.create_task(flush_audit_log(entries), name="flush_audit_log"),
    ]
    await asyncio.create_task(handle_request(settings, 4711), name="handle_request")
    await asyncio.gather(*background)


loop_thread = threading.Thread(target=asyncio.run, args=(serve(),), name="event-loop")
loop_thread.start()


# --- scenario harness: announce the pid once the loop thread is parked in the Future's wait -----------
def _parked(thread, innermost):
    frame = sys._current_frames().get(thread.ident)
    return frame is not None and frame.f_code.co_name == innermost and frame.f_back.f_code.co_name == "result"


_stable = 0
while _stable < 3:
    _stable = _stable + 1 if _parked(loop_thread, "wait") else 0
    threading.Event().wait(0.01)
print(f"pid={os.getpid()} scenario=py-asyncio-self-block", flush=True)

while loop_thread.is_alive():
    loop_thread.join(timeout=0.5)
