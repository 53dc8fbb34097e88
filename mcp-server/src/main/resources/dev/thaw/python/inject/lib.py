# thaw injection library: compiles and runs the user's script (cfg['script']) and writes its
# output and status into the injection directory. Loaded by bootstrap.py, whose module namespace
# holds what this needs (read at the end of this file); the same for every injection, so thaw may
# hand a target this code precompiled (lib.marshal).
#
# Output capture: sys.stdout and sys.stderr are replaced, for the duration, by a proxy that sends
# the writes of the script's own thread to the output file and every other thread's writes where
# they always went; the same for bytes written to sys.stdout.buffer / sys.stderr.buffer. Threads the
# script starts itself are not captured (use `out` there), nor writes to file descriptor 1 or 2.
import sys


def bootstrap(cfg, o, time, delivered, lib_code, frame):
    """On the thread that picked the injection up: compile the script, then run it here (inline) or
    on a fresh OS thread. A syntax error is reported from here: no thread is started for it."""
    d = cfg['dir'] + '/'
    # Under gevent monkey-patching _thread hands out greenlets: take the real primitives.
    monkey = sys.modules.get('gevent.monkey')
    thread = sys.modules.get('_thread') or __import__('_thread')
    prims = []
    for name in ('get_ident', 'get_native_id', 'start_new_thread'):
        p = getattr(thread, name)
        if monkey is not None:
            try:
                p = monkey.get_original('_thread', name)
            except Exception:
                pass
        prims.append(p)
    get_ident, native_id, start = prims
    armed = native_id()
    # No 'delivered' status here: 'running' (or a failure) follows within microseconds, and writing
    # one more file would only delay it. If the script's thread never gets to run, thaw still sees
    # the delivery: the claim file, which only this bootstrap creates while thaw waits.
    source = cfg['script']
    code = problem = None
    try:
        code = compile(source, '<thaw-script>', 'exec', dont_inherit=True)
    except BaseException as e:  # noqa: BLE001
        problem = ('compile', e)

    def go(fr):
        run(cfg, o, time, get_ident, native_id, armed, delivered, code, source, problem, lib_code, fr)

    if problem is not None or cfg['mode'] == 'inline':
        go(frame)
        return
    try:
        start(go, (None,))
    except BaseException as e:  # noqa: BLE001
        problem = ('start', e)
        go(None)


def run(cfg, o, time, get_ident, native_id, armed, delivered, code, source, problem, lib_code, frame):
    """Runs the compiled script, or reports why it cannot run (problem: (phase, exception))."""
    ident = get_ident()
    d = cfg['dir'] + '/'

    def status(state, fields):
        _status(o, d, ident, state, fields)

    if problem is not None:
        phase, e = problem
        message = _syntax_message(e) if isinstance(e, SyntaxError) else _describe(e)
        if phase == 'start':
            message = 'cannot start a thread: ' + message
        status('failed', {'armedTid': armed, 'phase': phase, 'error': message, 'errorType': type(e).__name__,
                          'deliveredNs': delivered, 'endedNs': time.monotonic_ns()})
        return
    if cfg['cache']:
        # Hand the compiled library back to thaw: later injections skip compiling it.
        try:
            import marshal
            data = marshal.dumps(lib_code)
            fd = o.open(d + 'lib.marshal.new', o.O_WRONLY | o.O_CREAT | o.O_EXCL | o.O_CLOEXEC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[o.write(fd, view):]
            finally:
                o.close(fd)
        except Exception:
            pass
    lib_code = None
    if cfg['mode'] != 'inline':
        try:
            # Best effort: the OS thread name shows in thaw's snapshots and in top -H.
            setname = getattr(sys.modules.get('_thread'), 'set_name', None)
            if setname is not None:
                setname(('thaw-' + cfg['id'])[:15])
        except BaseException:  # noqa: BLE001
            pass
    fields = {'armedTid': armed, 'tid': native_id(), 'deliveredNs': delivered}
    sink = _Sink(o, d, cfg['cap'])
    streams = _capture(ident, sink, get_ident)
    fields['runningNs'] = time.monotonic_ns()
    status('running', dict(fields))
    ns = {'__name__': '__thaw__', '__builtins__': __builtins__, 'params': cfg['params'], 'out': _Out(sink),
          'frame': frame, 'injection_id': cfg['id']}
    frame = None
    state = 'completed'
    failure = None
    started = time.monotonic()
    try:
        exec(code, ns)
    except SystemExit as e:
        # sys.exit() ends the script, never the target. Exit 0 / None is a normal end.
        if e.code is None or e.code == 0:
            fields['exit'] = 0
        else:
            state = 'failed'
            fields['exit'] = e.code if isinstance(e.code, int) else _safe_repr(e.code)
            fields['error'] = 'SystemExit: ' + _safe_repr(e.code)
            fields['errorType'] = 'SystemExit'
    except BaseException as e:  # noqa: BLE001 - KeyboardInterrupt included: recorded, never propagated
        state = 'failed'
        failure = e
    finally:
        fields['elapsedMs'] = round((time.monotonic() - started) * 1000.0, 3)
        ns.clear()  # drop references to the script's objects (and the interrupted frame) at once
        _release(streams, ident)
    if failure is not None:
        fields['error'] = _describe(failure)
        fields['errorType'] = type(failure).__name__
        fields['traceback'] = _traceback(failure, source)
        failure = None
    sink.finish(fields)
    fields['endedNs'] = time.monotonic_ns()
    status(state, fields)


def _status(o, d, ident, state, fields):
    """status.json, written atomically: a temporary file per thread, then rename."""
    fields['state'] = state
    data = _json(fields).encode('ascii')
    tmp = d + 'status.%d.tmp' % ident
    try:
        fd = o.open(tmp, o.O_WRONLY | o.O_CREAT | o.O_TRUNC | o.O_CLOEXEC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[o.write(fd, view):]
        finally:
            o.close(fd)
        o.replace(tmp, d + 'status.json')
    except OSError:
        pass  # thaw removed the directory (it gave up, or it is shutting down)


class _Sink:
    """The script's output, capped, written through to output.part (renamed to output at the end).

    Written through, not buffered: what a script printed before it got stuck is exactly what a
    person needs to see, and no other thread is there to flush a buffer. A write costs a few
    microseconds, and past the cap nothing is written any more.
    """

    def __init__(self, o, d, cap):
        self.o = o
        self.d = d
        self.cap = cap
        self.fd = -1
        try:
            self.fd = o.open(d + 'output.part', o.O_WRONLY | o.O_CREAT | o.O_TRUNC | o.O_CLOEXEC, 0o600)
        except OSError:
            pass
        self.kept = 0       # bytes kept (<= cap)
        self.dropped = 0    # bytes beyond the cap, counted only

    def write(self, s):
        # Bytes (sys.stdout.buffer) are kept as they are: decoding each write on its own would turn a
        # UTF-8 character split across two writes into escapes, and count the escapes against the cap.
        if isinstance(s, (bytes, bytearray, memoryview)):
            b = bytes(s)
            n = len(b)
        elif isinstance(s, str):
            b = s.encode('utf-8', 'backslashreplace')
            n = len(s)
        else:
            raise TypeError('write() argument must be str, not ' + type(s).__name__)
        room = self.cap - self.kept
        if len(b) > room:
            self.dropped += len(b) - max(room, 0)
            b = b[:max(room, 0)]
        if b:
            self.kept += len(b)
            if self.fd >= 0:
                try:
                    view = memoryview(b)
                    while view:
                        view = view[self.o.write(self.fd, view):]
                except OSError:
                    pass
        return n

    def flush(self):
        pass

    def finish(self, fields):
        if self.fd >= 0:
            try:
                self.o.close(self.fd)
                self.o.replace(self.d + 'output.part', self.d + 'output')
            except OSError:
                pass
            self.fd = -1
        fields['outputBytes'] = self.kept
        fields['truncated'] = self.dropped > 0
        fields['droppedBytes'] = self.dropped


class _Out:
    """`out` in the script's namespace: write() and print() into the captured output, from any thread."""

    def __init__(self, sink):
        self._sink = sink

    def write(self, s):
        return self._sink.write(s)

    def print(self, *args, **kwargs):
        kwargs['file'] = self
        print(*args, **kwargs)

    def flush(self):
        self._sink.flush()


def _capture(ident, sink, get_ident):
    """Routes sys.stdout/sys.stderr writes of THIS thread to the sink; other threads are untouched.

    One proxy per stream is shared by every thaw script running at the same time (a timed-out one
    may still be running); it is removed when the last of them ends, unless the program replaced
    sys.stdout meanwhile (then the program's choice stands).
    """
    installed = {}
    with _capture_lock():
        for name in ('stdout', 'stderr'):
            current = getattr(sys, name, None)
            proxy = current if isinstance(getattr(current, '_thaw_sinks', None), dict) else _Stream(current, get_ident)
            proxy._thaw_sinks[ident] = sink
            if proxy is not current:
                setattr(sys, name, proxy)
            installed[name] = proxy
    return installed


def _release(installed, ident):
    with _capture_lock():
        for name, proxy in installed.items():
            try:
                proxy._thaw_sinks.pop(ident, None)
                if not proxy._thaw_sinks and getattr(sys, name, None) is proxy:
                    setattr(sys, name, proxy._thaw_orig)
            except BaseException:  # noqa: BLE001
                pass


def _capture_lock():
    """One lock for every thaw script in the process (two servers' scripts may start and end at the
    same moment): installing or removing the proxy is a read-then-write of sys.stdout, and two at
    once would lose one script's sink, sending its output to the application's stdout. Kept on sys:
    this module is fresh for each injection. A real OS lock even under gevent (held for microseconds)."""
    lock = sys.__dict__.get('_thaw_lock')
    if lock is None:
        alloc = (sys.modules.get('_thread') or __import__('_thread')).allocate_lock
        monkey = sys.modules.get('gevent.monkey')
        if monkey is not None:
            try:
                alloc = monkey.get_original('_thread', 'allocate_lock')
            except Exception:
                pass
        lock = sys.__dict__.setdefault('_thaw_lock', alloc())
    return lock


class _Stream:
    """Stands in for sys.stdout or sys.stderr; everything but write/flush goes to the original."""

    def __init__(self, original, get_ident):
        self._thaw_orig = original
        self._thaw_sinks = {}
        self._thaw_ident = get_ident

    def write(self, s):
        sink = self._thaw_sinks.get(self._thaw_ident())
        if sink is not None:
            return sink.write(s)
        orig = self._thaw_orig
        return orig.write(s) if orig is not None else len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if self._thaw_ident() in self._thaw_sinks:
            return None
        orig = self._thaw_orig
        return orig.flush() if orig is not None else None

    @property
    def buffer(self):
        if getattr(self._thaw_orig, 'buffer', None) is None:
            raise AttributeError('buffer')
        return _Buffer(self)

    def __getattr__(self, name):
        return getattr(self._thaw_orig, name)


class _Buffer:
    """sys.stdout.buffer while the proxy is in place: bytes of a captured thread go to its sink."""

    def __init__(self, stream):
        self._thaw_stream = stream

    def write(self, b):
        st = self._thaw_stream
        sink = st._thaw_sinks.get(st._thaw_ident())
        if sink is not None:
            data = bytes(b)
            sink.write(data)
            return len(data)
        return st._thaw_orig.buffer.write(b)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        st = self._thaw_stream
        if st._thaw_ident() in st._thaw_sinks:
            return None
        return st._thaw_orig.buffer.flush()

    def __getattr__(self, name):
        return getattr(self._thaw_stream._thaw_orig.buffer, name)


def _json(v):
    # json may not be imported in the target; this covers what a status holds.
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float('inf'), float('-inf')) else 'null'
    if isinstance(v, dict):
        return '{' + ','.join(_json_str(str(k)) + ':' + _json(x) for k, x in v.items()) + '}'
    if isinstance(v, (list, tuple)):
        return '[' + ','.join(_json(x) for x in v) + ']'
    return _json_str(str(v))


def _json_str(s):
    if s.isascii() and s.isprintable() and '"' not in s and '\\' not in s:
        return '"' + s + '"'  # keys, numbers' names, most messages: nothing to escape
    out = ['"']
    for ch in s:
        c = ord(ch)
        if 0x20 <= c < 0x7f and ch != '"' and ch != '\\':
            out.append(ch)
        elif c < 0x10000:
            out.append('\\u%04x' % c)
        else:
            c -= 0x10000
            out.append('\\u%04x\\u%04x' % (0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff)))
    out.append('"')
    return ''.join(out)


def _safe_repr(v):
    try:
        r = repr(v)
    except BaseException:  # noqa: BLE001
        r = '<unrepresentable ' + type(v).__name__ + '>'
    return r if len(r) <= 2000 else r[:2000] + '...'


def _describe(e):
    try:
        msg = str(e)
    except BaseException:  # noqa: BLE001
        msg = '<unprintable>'
    if len(msg) > 4000:
        msg = msg[:4000] + '...'
    return type(e).__name__ + (': ' + msg if msg else '')


def _syntax_message(e):
    # The compiler's own words, laid out the way Python prints a SyntaxError.
    lines = ['  File "%s", line %s' % (e.filename or '<thaw-script>', e.lineno)]
    text = (e.text or '').rstrip('\n')
    if text.strip():
        indent = len(text) - len(text.lstrip())
        lines.append('    ' + text.strip())
        if e.offset:
            end = e.end_offset if e.end_lineno == e.lineno and (e.end_offset or 0) > e.offset else e.offset + 1
            lines.append('    ' + ' ' * max(e.offset - 1 - indent, 0) + '^' * max(end - e.offset, 1))
    lines.append('%s: %s' % (type(e).__name__, e.msg))
    return '\n'.join(lines)


def _traceback(e, source):
    tb = e.__traceback__
    tb = tb.tb_next if tb is not None else None  # the library's own frame is noise
    try:
        import linecache
        import traceback
        lines = source.splitlines(True)
        linecache.cache['<thaw-script>'] = (len(source), None, lines, '<thaw-script>')
        try:
            text = ''.join(traceback.format_exception(type(e), e, tb))
        finally:
            linecache.cache.pop('<thaw-script>', None)
    except BaseException:  # noqa: BLE001 - fall back to a hand-made one
        parts = ['Traceback (most recent call last):\n']
        while tb is not None:
            code = tb.tb_frame.f_code
            parts.append('  File "%s", line %s, in %s\n' % (code.co_filename, tb.tb_lineno, code.co_name))
            tb = tb.tb_next
        parts.append(_describe(e) + '\n')
        text = ''.join(parts)
    return text if len(text) <= 65536 else text[:32768] + '\n...\n' + text[-32768:]


def _main(boot):
    """Called by this module's code, right below: boot is the bootstrap's frame (the module code
    that exec'd this library), whose caller is the frame the armed thread was interrupted in."""
    g = boot.f_globals
    cfg = g['_THAW']
    try:
        bootstrap(cfg, g['o'], g['time'], g['t'], g['b'], boot.f_back if cfg['mode'] == 'inline' else None)
    except BaseException:  # noqa: BLE001
        # The library loaded: whatever escapes now (a signal handler's exception during the last
        # status write, say) must not reach the bootstrap, which would report a library that failed
        # to load — for a script that ran — and make thaw drop a good compiled library.
        pass


_main(sys._getframe(1))
