# Two asyncio loops (the main thread's and a worker thread's) whose threads end up blocked in C:
# on each loop, once every other task is parked, the task "blocker" prints what asyncio itself says
# about every task of its loop (asyncio.all_tasks(): id, name, coroutine chain, awaited-by) as one
# JSON line, then takes a real lock that is never released, so the loop never runs again.
# The tasks cover: named, default-named and non-ASCII names, gather, TaskGroup, a plain await of a
# task, and an await cycle (two tasks awaiting each other). A third thread runs a loop and exits,
# leaving one pending task behind (it moves to the interpreter's list of orphaned tasks).
import asyncio
import json
import sys
import threading
import types

never = threading.Lock()
never.acquire()
kept = []
printing = threading.Lock()  # one JSON line at a time: print() writes text and newline separately


def chain(task):
    """The coroutine chain, innermost first, as 'qualname:line'."""
    out = []
    c = task.get_coro()
    while isinstance(c, types.CoroutineType) and c.cr_frame is not None:
        out.append(f"{c.cr_frame.f_code.co_qualname}:{c.cr_frame.f_lineno}")
        c = c.cr_await
    return out[::-1]


def report(loop_name):
    tasks = []
    for t in asyncio.all_tasks():
        # a lone surrogate cannot travel as UTF-8: it is shown as its escape, as thaw shows it
        name = t.get_name().encode("utf-8", "backslashreplace").decode("utf-8")
        tasks.append({"id": hex(id(t)), "name": name, "chain": chain(t),
                      "awaitedBy": sorted(hex(id(w)) for w in (t._asyncio_awaited_by or ()))})
    with printing:
        print(json.dumps({"loop": loop_name, "tid": threading.get_native_id(), "tasks": tasks,
                          "blocker": hex(id(asyncio.current_task()))}), flush=True)


async def leaf(n):
    await asyncio.sleep(1000 + n)  # THAW-MARK leaf-sleeps


async def middle(n):
    await leaf(n)  # THAW-MARK middle-awaits


async def gathers():
    await asyncio.gather(middle(1), middle(2))  # THAW-MARK gathers


async def in_group():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf(3), name="group-child")
        await asyncio.sleep(0)  # THAW-MARK group-body


async def awaits_other(other):
    await other  # THAW-MARK awaits-other


cycle = {}


async def cycle_a():
    await asyncio.sleep(0)
    await cycle["b"]  # THAW-MARK cycle-a


async def cycle_b():
    await asyncio.sleep(0)
    await cycle["a"]  # THAW-MARK cycle-b


async def blocker(loop_name):
    await asyncio.sleep(0.3)
    report(loop_name)
    never.acquire()  # THAW-MARK blocker-acquires


async def main(loop_name, with_cycle):
    target = asyncio.create_task(leaf(0), name="tâche-é ✓ " + loop_name)
    asyncio.create_task(gathers(), name="gatherer")
    asyncio.create_task(in_group())  # default name Task-N
    asyncio.create_task(awaits_other(target), name="awaiter")
    asyncio.create_task(leaf(4), name="lone-\udc80-" + loop_name)  # not encodable as UTF-8
    if with_cycle:
        cycle["a"] = asyncio.create_task(cycle_a(), name="cycle-a")
        cycle["b"] = asyncio.create_task(cycle_b(), name="cycle-b")
    await blocker(loop_name)


async def orphan_main():
    kept.append(asyncio.get_running_loop().create_task(leaf(9), name="orphan-task"))
    await asyncio.sleep(0)


def short_lived():
    loop = asyncio.new_event_loop()
    kept.append(loop)
    loop.run_until_complete(orphan_main())


t = threading.Thread(target=short_lived, name="short-lived")
t.start()
t.join()
threading.Thread(target=lambda: asyncio.run(main("worker", False)), name="loop-worker", daemon=True).start()
asyncio.run(main("main", True))
