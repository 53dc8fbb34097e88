# Run by the bootstrap (exec of a string in its settings, compiled only then) when the thaw server
# that armed this injection is gone: nobody will read this directory or remove it, and the thread
# that just picked the injection up is the last one that will ever look at it. The directory is the
# target's user's own: remove its files and itself (links are removed, never followed).
for n in o.listdir(d):
    try:
        o.unlink(d + n)
    except OSError:
        pass
o.rmdir(d)
