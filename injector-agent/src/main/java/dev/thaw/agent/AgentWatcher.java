package dev.thaw.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's resident part: one daemon thread, {@code thaw-agent}, that picks up requests after
 * the first without another agent load (each load prints the JDK 21+ warning again and adds a
 * JVMTI environment that is never freed).
 *
 * <p>How a later request arrives: thaw creates its injection directory {@code thaw-inj-*} in the
 * target's temporary directory, writes the payload, and finally renames {@code request.tmp} to
 * {@code request}. The thread waits in a {@link WatchService} (inotify on Linux: no polling, no
 * CPU while idle) on the temporary directories it was first loaded from; a new {@code thaw-inj-*}
 * directory gets a watch of its own until its {@code request} appears (or it is removed). Nothing
 * of the agent's is left on disk: it uses the injection directories only, which thaw removes.
 *
 * <p>Requests carry the agent id thaw gave this JVM's agent when loading it: JVMs sharing the same
 * /tmp all see every request and leave other JVMs' ones alone. The id, the protocol and the
 * watched directories are published in the system property {@value ThawAgent#PROPERTY}, so a
 * thaw server started later finds the agent through the agent-less {@code properties} operation.
 */
final class AgentWatcher implements Runnable {

    /** Injection directories watched at once; older ones are dropped (their request, if any, is rare). */
    private static final int MAX_PENDING_DIRS = 64;
    private static final String PREFIX = "thaw-inj-";
    private static final String REQUEST = "request";

    private static final Object LOCK = new Object();
    private static AgentWatcher instance;

    private final WatchService watcher;
    private final Set<String> agentIds = new LinkedHashSet<String>();
    private final Map<WatchKey, Path> tempDirs = new LinkedHashMap<WatchKey, Path>();
    private final Map<WatchKey, Path> pending = new LinkedHashMap<WatchKey, Path>();

    private AgentWatcher(WatchService watcher) {
        this.watcher = watcher;
    }

    /**
     * A load. The argument is {@code <agent id> <request path>} (thaw loads the agent while it
     * still compiles the probe, so the request may not exist yet) or just {@code <request path>}.
     * The request's directory is watched before anything else, and its parent (the temporary
     * directory) too, so this request and every later one is picked up as soon as it appears.
     */
    static void onLoad(String argument) {
        try {
            if (argument.isEmpty()) {
                return;
            }
            int space = argument.indexOf(' ');
            String agentId = space < 0 ? null : argument.substring(0, space);
            Path request = Paths.get(space < 0 ? argument : argument.substring(space + 1));
            Path dir = request.getParent();
            if (dir == null) {
                return;
            }
            if (agentId == null) {
                ProbeRequest r = ProbeRequest.read(request);
                agentId = r == null ? null : r.agentId;
            }
            AgentWatcher w = ensureStarted();
            if (w != null) {
                w.adopt(agentId, dir.getParent());
                w.watchInjectionDir(dir);
            } else {
                ProbeRequest r = ProbeRequest.read(request);
                if (r != null) {
                    ProbeRun.claimAndStart(dir, r);
                }
            }
        } catch (Throwable ignored) {
            // nothing may escape; thaw sees no status and reports the delivery as not picked up
        }
    }

    private static AgentWatcher ensureStarted() {
        synchronized (LOCK) {
            if (instance != null) {
                return instance;
            }
            try {
                AgentWatcher w = new AgentWatcher(Paths.get("/").getFileSystem().newWatchService());
                Thread t = new Thread(w, "thaw-agent");
                t.setDaemon(true);
                t.setContextClassLoader(AgentWatcher.class.getClassLoader());
                t.setUncaughtExceptionHandler(Quiet.HANDLER);
                t.start();
                instance = w;
                return w;
            } catch (Throwable e) {
                return null; // no watch service: each request then needs a load of its own
            }
        }
    }

    /** Accepts requests for {@code agentId} and watches {@code tempDir} for them. */
    private void adopt(String agentId, Path tempDir) {
        synchronized (this) {
            if (agentId != null && !agentId.isEmpty()) {
                agentIds.add(agentId);
            }
            if (tempDir != null && !tempDirs.containsValue(tempDir)) {
                try {
                    tempDirs.put(tempDir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE), tempDir);
                } catch (Throwable e) {
                    // not watchable: requests there need a load each
                }
            }
            publish();
        }
    }

    private void publish() {
        StringBuilder sb = new StringBuilder(ThawAgent.PROTOCOL).append(' ');
        boolean first = true;
        for (String id : agentIds) {
            sb.append(first ? "" : ",").append(id);
            first = false;
        }
        for (Path d : tempDirs.values()) {
            sb.append(' ').append(d);
        }
        try {
            System.setProperty(ThawAgent.PROPERTY, sb.toString());
        } catch (Throwable ignored) {
            // a security manager said no: thaw then loads the agent again after a restart of thaw
        }
    }

    @Override
    public void run() {
        try {
            loop();
        } finally {
            synchronized (LOCK) {
                if (instance == this) {
                    instance = null; // the next load starts a new watcher
                }
            }
            try {
                System.clearProperty(ThawAgent.PROPERTY); // so thaw loads the agent again instead of waiting
            } catch (Throwable ignored) {
                // nothing more to do
            }
        }
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException e) {
                continue; // someone interrupts every thread; we stay
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (Throwable e) {
                continue;
            }
            try {
                handle(key);
            } catch (Throwable ignored) {
                // keep watching whatever happened with this event
            }
        }
    }

    private void handle(WatchKey key) {
        Path watched;
        boolean isTemp;
        synchronized (this) {
            isTemp = tempDirs.containsKey(key);
            watched = isTemp ? tempDirs.get(key) : pending.get(key);
        }
        List<WatchEvent<?>> events = key.pollEvents();
        boolean valid = key.reset();
        if (watched == null) {
            return;
        }
        for (WatchEvent<?> ev : events) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                rescan();
                continue;
            }
            String name = String.valueOf(ev.context());
            if (isTemp && name.startsWith(PREFIX)) {
                watchInjectionDir(watched.resolve(name));
            } else if (!isTemp && name.equals(REQUEST)) {
                take(key, watched.resolve(REQUEST));
            }
        }
        if (!valid) {
            synchronized (this) {
                tempDirs.remove(key);
                pending.remove(key);
            }
        }
    }

    private void watchInjectionDir(Path dir) {
        WatchKey key;
        try {
            key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException e) {
            return; // removed already, or not a directory
        } catch (Throwable e) {
            return;
        }
        synchronized (this) {
            pending.put(key, dir);
            if (pending.size() > MAX_PENDING_DIRS) {
                Iterator<Map.Entry<WatchKey, Path>> it = pending.entrySet().iterator();
                Map.Entry<WatchKey, Path> oldest = it.next();
                it.remove();
                oldest.getKey().cancel();
            }
        }
        // The request may have been renamed into place before the watch existed.
        if (Files.exists(dir.resolve(REQUEST))) {
            take(key, dir.resolve(REQUEST));
        }
    }

    /** Runs a request if it is for this JVM's agent. */
    private void take(WatchKey key, Path request) {
        ProbeRequest r = ProbeRequest.read(request);
        if (r == null) {
            return;
        }
        synchronized (this) {
            if (!agentIds.contains(r.agentId)) {
                return; // another JVM's (or a Python injection's) directory
            }
            pending.remove(key);
        }
        key.cancel();
        ProbeRun.claimAndStart(request.getParent(), r);
    }

    /** Events were lost: look at every injection directory in the watched temporary directories. */
    private void rescan() {
        List<Path> temps;
        synchronized (this) {
            temps = new ArrayList<Path>(tempDirs.values());
        }
        for (Path t : temps) {
            try {
                DirectoryStream<Path> ds = Files.newDirectoryStream(t, PREFIX + "*");
                try {
                    for (Path d : ds) {
                        if (!Files.exists(d.resolve("claim"))) {
                            watchInjectionDir(d);
                        }
                    }
                } finally {
                    ds.close();
                }
            } catch (Throwable ignored) {
                // the directory went away
            }
        }
    }
}
