try:
    s = '%d %s: %s' % (t, type(e).__name__, e)
except BaseException:  # noqa: BLE001 - str(e) itself may raise
    s = '%d %s: ?' % (t, type(e).__name__)
f = o.open(d + 'status.lib', o.O_WRONLY | o.O_CREAT | o.O_TRUNC | o.O_CLOEXEC, 0o600)
try:
    o.write(f, s.encode('utf-8', 'replace')[:4000])
finally:
    o.close(f)
o.replace(d + 'status.lib', d + 'status.json')
