f = o.open(d + 'status.lib', o.O_WRONLY | o.O_CREAT | o.O_TRUNC | o.O_CLOEXEC, 0o600)
o.write(f, ('%d %s: %s' % (t, type(e).__name__, e)).encode('utf-8', 'replace')[:4000])
o.close(f)
o.replace(d + 'status.lib', d + 'status.json')
