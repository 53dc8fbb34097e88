# Signal handlers of every kind (function, bound method, SIG_IGN, default), and one line that
# says what the target itself sees: signal=module.qualname;...
import signal, sys, threading
def restart(signum, frame):
    print('restarting')
    sys.exit(3)
def ignore_it(signum, frame):
    '''Does nothing.'''
    pass
class Worker:
    def on_term(self, signum, frame):
        return None
signal.signal(signal.SIGHUP, restart)
signal.signal(signal.SIGUSR1, ignore_it)
signal.signal(signal.SIGTERM, Worker().on_term)
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
def name(h):
    if h is None:
        return 'None'
    if h in (signal.SIG_DFL, signal.SIG_IGN):
        return 'Handlers.' + signal.Handlers(h).name
    if hasattr(h, '__func__'):
        h = h.__func__
    return getattr(h, '__module__', None) + '.' + h.__qualname__ if hasattr(h, '__qualname__') else repr(h)
print(';'.join(f'{s}={name(signal.getsignal(s))}' for s in range(1, 32) if s not in (9, 19)), flush=True)
threading.Event().wait()
