// thaw-diagnostic
// {
//   "id": "jvm.deadlocks",
//   "runtime": "hotspot",
//   "title": "Deadlocks and the most-blocking locks",
//   "question": "Which threads are deadlocked (monitors and java.util.concurrent locks), and which locks block the most threads, held by whom, doing what?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "top": {"type": "integer", "minimum": 1, "maximum": 100, "default": 5, "description": "most-blocking locks to show"},
//       "depth": {"type": "integer", "minimum": 1, "maximum": 200, "default": 8, "description": "stack frames per thread"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "one ThreadMXBean.dumpAllThreads(true, true): a safepoint of a few ms per 1000 threads"
// }
// Unlike a plain thread dump, this ranks the locks by how many threads wait on them, counting
// ReentrantLock/ReentrantReadWriteLock waiters (parked threads) as well as monitor waiters, and follows
// each owner's own wait: "X blocks 7 threads; X's owner waits for Y" is the shape of most hangs.
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Deadlocks implements Probe {

    @Override
    public void run(Map<String, String> params, PrintWriter out) {
        int top = Integer.parseInt(params.getOrDefault("top", "5"));
        int depth = Integer.parseInt(params.getOrDefault("depth", "8"));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] all = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        Map<Long, ThreadInfo> byId = new HashMap<Long, ThreadInfo>();
        for (ThreadInfo t : all) {
            if (t != null) {
                byId.put(t.getThreadId(), t);
            }
        }

        long[] deadlocked = mx.findDeadlockedThreads();
        if (deadlocked == null || deadlocked.length == 0) {
            out.println("No deadlock (ThreadMXBean.findDeadlockedThreads: monitors and ownable synchronizers).");
        } else {
            out.println("DEADLOCK: " + deadlocked.length + " threads wait for each other in a cycle:");
            for (long id : deadlocked) {
                ThreadInfo t = byId.get(id);
                if (t != null) {
                    out.println("  \"" + t.getThreadName() + "\" (id " + id + ") holds " + held(t)
                            + " and waits for " + describe(t.getLockInfo()) + " held by \"" + t.getLockOwnerName() + "\"");
                    stack(out, t, depth, "      ");
                }
            }
        }

        Map<String, List<ThreadInfo>> waiters = new LinkedHashMap<String, List<ThreadInfo>>();
        Map<String, ThreadInfo> sample = new HashMap<String, ThreadInfo>();
        for (ThreadInfo t : all) {
            if (t == null || t.getLockInfo() == null) {
                continue;
            }
            Thread.State s = t.getThreadState();
            if (s != Thread.State.BLOCKED && s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
                continue;
            }
            String key = describe(t.getLockInfo());
            if (!waiters.containsKey(key)) {
                waiters.put(key, new ArrayList<ThreadInfo>());
                sample.put(key, t);
            }
            waiters.get(key).add(t);
        }
        List<String> locks = new ArrayList<String>(waiters.keySet());
        Collections.sort(locks, new Comparator<String>() {
            @Override
            public int compare(String a, String b) {
                return waiters.get(b).size() - waiters.get(a).size();
            }
        });
        out.println();
        out.println("Most-blocking locks (threads waiting on each; owner and what the owner waits for):");
        int shown = 0;
        for (String lock : locks) {
            ThreadInfo first = sample.get(lock);
            if (first.getLockOwnerId() < 0 && waiters.get(lock).size() < 2) {
                continue; // a lone condition wait without owner is an idle thread, not a blocker
            }
            if (shown++ >= top) {
                break;
            }
            List<ThreadInfo> ws = waiters.get(lock);
            out.println("  " + lock + ": " + ws.size() + " waiting " + names(ws, 8));
            if (first.getLockOwnerId() >= 0) {
                ThreadInfo owner = byId.get(first.getLockOwnerId());
                out.println("    owner \"" + first.getLockOwnerName() + "\""
                        + (owner == null ? "" : " is " + owner.getThreadState()
                        + (owner.getLockInfo() == null ? "" : " waiting for " + describe(owner.getLockInfo())
                        + (owner.getLockOwnerName() == null ? "" : " held by \"" + owner.getLockOwnerName() + "\""))));
                if (owner != null) {
                    stack(out, owner, depth, "      ");
                }
            } else {
                out.println("    no owner (a condition, latch, future or queue: whoever should signal it is not doing so)");
                stack(out, first, depth, "      ");
            }
        }
        if (shown == 0) {
            out.println("  none: no lock has an owner that blocks another thread");
        }
    }

    private static String describe(LockInfo l) {
        return l == null ? "nothing" : l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode());
    }

    private static String held(ThreadInfo t) {
        List<String> h = new ArrayList<String>();
        for (MonitorInfo m : t.getLockedMonitors()) {
            h.add(describe(m));
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            h.add(describe(l));
        }
        return h.isEmpty() ? "nothing" : h.toString();
    }

    private static String names(List<ThreadInfo> ts, int max) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ts.size() && i < max; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(ts.get(i).getThreadName()).append('"');
        }
        return sb.append(ts.size() > max ? ", ...]" : "]").toString();
    }

    private static void stack(PrintWriter out, ThreadInfo t, int depth, String indent) {
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < st.length && i < depth; i++) {
            out.println(indent + "at " + st[i]);
        }
        if (st.length > depth) {
            out.println(indent + "... " + (st.length - depth) + " more");
        }
    }
}
