# Catalog target for py.thread_pools and py.futures: a 2-worker pool "report" whose workers each
# run render_report(), which submits fetch_section() to the SAME pool and waits for its result:
# both workers wait, the two fetch_section items sit in the queue behind them (starvation).
# A second pool "idle" has one idle worker. The main thread waits on the report futures with a
# timeout in a loop (so it reaches safe points and is a waiter the diagnostics must name).
import concurrent.futures as cf
import os
import threading
import time

report_pool = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="report")
idle_pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="idle")
started = threading.Barrier(3)


def fetch_section(report_id, section):
    return "%s/%s" % (report_id, section)


def render_report(report_id):
    started.wait()
    section = report_pool.submit(fetch_section, report_id, "summary")
    return section.result()   # waits for an item queued behind this very worker


idle_pool.submit(fetch_section, 0, "warm-up").result()
reports = [report_pool.submit(render_report, "r-%d" % i) for i in range(2)]
started.wait()
time.sleep(0.3)
print("ready pid=%d" % os.getpid(), flush=True)
while True:
    cf.wait(reports, timeout=0.05)
