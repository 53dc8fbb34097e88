# CPython's own view of another process's stacks, printed as one JSON line:
# {"threads": [{"tid": ..., "frames": [[funcname, filename, line], ...]}]} for the main interpreter,
# or {"error": ...} after five failed attempts. Argument: the pid.
import _remote_debugging, json, sys
pid = int(sys.argv[1])
err = None
for attempt in range(5):
    try:
        r = _remote_debugging.RemoteUnwinder(pid, all_threads=True).get_stack_trace()
        break
    except Exception as e:
        err = e
else:
    print(json.dumps({'error': repr(err)}))
    sys.exit(0)
threads = []
for item in r:
    if hasattr(item, 'threads'):
        if item.interpreter_id != 0:
            continue
        ts = item.threads
    else:
        ts = [item]
    for t in ts:
        frames = []
        for f in t.frame_info:
            if hasattr(f, 'lineno'):
                line = f.lineno
            else:
                line = f.location.lineno if f.location is not None else None
            frames.append([f.funcname, f.filename, line])
        threads.append({'tid': t.thread_id, 'frames': frames})
print(json.dumps({'threads': threads}))
