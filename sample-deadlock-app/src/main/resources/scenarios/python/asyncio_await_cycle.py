# thaw scenario py-asyncio-await-cycle (sample-deadlock-app)
# An asyncio service where two tasks await each other: neither can ever finish, and the request that
# awaits them waits forever, while the loop itself keeps running.
#
# A checkout reserves a seat and charges the card concurrently. Each step registers its task in a shared
# table so the other can wait for it: reserve_seat waits for the payment to be confirmed before it commits
# the seat, and charge_card waits for the seat to be reserved before it captures the payment. asyncio only
# refuses a task awaiting itself; a cycle of two (or more) tasks is accepted and never completes, with no
# error. The checkout task gathers both; the heartbeat ticks and the loop sits in its selector between
# timers. A stack snapshot shows the idle loop; the task list read from memory shows the cycle
# (reserve_seat awaits charge_card awaits reserve_seat). Injection works: the loop passes safe points
# every heartbeat.
#
# Deterministic: the pid line is printed once both tasks are parked, each awaiting the other.
import asyncio
import os

steps = {}


async def reserve_seat(order):
    await steps["charge_card"]  # waits for the payment, which waits for this seat: forever
    return f"seat for {order}"


async def charge_card(order):
    await steps["reserve_seat"]  # waits for the seat, which waits for this payment: forever
    return f"payment for {order}"


async def checkout(order):
    loop = asyncio.get_running_loop()
    steps["reserve_seat"] = loop.create_task(reserve_seat(order), name="reserve_seat")
    steps["charge_card"] = loop.create_task(charge_card(order), name="charge_card")
    seat, payment = await asyncio.gather(steps["reserve_seat"], steps["charge_card"])
    print(f"{order}: {seat}, {payment}", flush=True)  # never reached


async def heartbeat():
    while True:
        await asyncio.sleep(0.1)  # a liveness ping: the service looks healthy


def parked(task):
    # suspended at its await on the other step (the task's step has returned, so asyncio has recorded it)
    return task.get_coro().cr_await is not None and not task.done()


async def main():
    asyncio.create_task(heartbeat(), name="heartbeat")
    request = asyncio.create_task(checkout("order-4711"), name="checkout")
    # --- scenario harness: announce the pid once both steps have run to their await ---
    while len(steps) < 2 or not all(parked(t) for t in steps.values()):
        await asyncio.sleep(0.005)
    print(f"pid={os.getpid()} scenario=py-asyncio-await-cycle", flush=True)
    await request  # the service waits for its request: forever


asyncio.run(main())
