# Functions, a class and files named in Latin-1, UCS-2 and UCS-4 characters. The program is ASCII
# (escapes): the names exist only at run time, whatever the locale.
import threading
ev = threading.Event()
ns = {'ev': ev}
exec(compile('def f\u00fcnf_\u00e9():\n    ev.wait()\n', '/tmp/thaw_\u00fcn\u00ef/latin_\u00e9.py', 'exec'), ns)
exec(compile('class \u6a21\u5757:\n    def \u65b9\u6cd5(self):\n        ev.wait()\n', '/tmp/thaw_\u6a21/ucs2_\u03c0.py', 'exec'), ns)
exec(compile('def \U00020000\U00020001():\n    ev.wait()\n', '/tmp/thaw_\U0001f600/ucs4_\U0001f600.py', 'exec'), ns)
threading.Thread(target=ns['f\u00fcnf_\u00e9'], daemon=True).start()
threading.Thread(target=getattr(ns['\u6a21\u5757'](), '\u65b9\u6cd5'), daemon=True).start()
threading.Thread(target=ns['\U00020000\U00020001'], daemon=True).start()
_thaw_truth()
ev.wait()
