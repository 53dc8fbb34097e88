package dev.thaw.jvm.snapshot;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.jvm.attach.AttachClient;
import dev.thaw.proc.ProcFs;
import dev.thaw.snapshot.Frame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;

/**
 * Virtual threads (JDK 21+), which {@code Thread.print} leaves out (deadlocks among them too): HotSpot's
 * {@code Thread.dump_to_file -format=json} writes them into a file, which the target resolves in
 * its own mount namespace, so thaw names a fresh file in the target's /tmp, reads it through
 * /proc/PID/root and removes it at once, whatever happens.
 */
public final class VirtualThreadDump {

    /**
     * One virtual thread.
     *
     * @param javaId         Thread.getId()
     * @param name           its name (often empty)
     * @param state          Thread.State name, or null when the JDK does not say
     * @param frames         innermost first
     * @param blockedOn      the monitor it waits to enter ({@code java.lang.Object@3f17129e}), or null
     * @param waitingOn      the monitor it waits on in Object.wait(), or null
     * @param parkBlocker    what it is parked on, or null
     * @param parkOwner      the Java id of the owner of the park blocker, when the JDK says
     * @param monitorsOwned  monitors it holds, same notation as {@code blockedOn}
     */
    public record VirtualThread(long javaId, String name, String state, List<Frame> frames, String blockedOn,
                                String waitingOn, String parkBlocker, Long parkOwner, List<String> monitorsOwned) {
    }

    private VirtualThreadDump() {
    }

    /**
     * The virtual threads of a JDK 21+ JVM.
     *
     * @param platformIds the Java ids of the platform threads (from the Thread.print taken just
     *                    before): JDK 21's JSON does not mark virtual threads, so there a thread is
     *                    virtual when it is not one of these
     */
    public static Dump read(ProcFs proc, int pid, AttachClient client, java.util.Set<Long> platformIds) {
        String inTarget = "/tmp/thaw-vthreads-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".json";
        Path here = proc.inTargetRoot(pid, inTarget);
        try {
            client.jcmd("Thread.dump_to_file -format=json " + inTarget);
            byte[] json = Files.readAllBytes(here);
            JsonNode root = Json.mapper().readTree(json).path("threadDump"); // one parse, read twice
            return new Dump(threads(root, platformIds), hasLocks(root));
        } catch (IOException e) {
            throw new ThawException(ErrorCode.VTHREAD_DUMP_UNREADABLE, "JVM " + pid + " wrote its virtual-thread dump to "
                    + inTarget + " but thaw cannot read it through " + here + ": " + e.getMessage() + ".",
                    "Check the target's /tmp (full? read-only?).", e);
        } finally {
            try {
                Files.deleteIfExists(here);
            } catch (IOException ignored) {
                // nothing more to do: the name is unique, so the file harms nobody
            }
        }
    }

    /**
     * JDK 25's threads carry {@code virtual}, {@code state} and their locks; JDK 21's only
     * {@code tid}, {@code name} and {@code stack} (locks then stay empty, and the state is
     * inferred from parking, see {@link #parkedState}).
     */
    private static List<VirtualThread> threads(JsonNode root, java.util.Set<Long> platformIds) {
        List<VirtualThread> out = new ArrayList<>();
        for (JsonNode container : root.path("threadContainers")) {
            for (JsonNode t : container.path("threads")) {
                boolean isVirtual = t.has("virtual") ? t.path("virtual").asBoolean(false) : virtualByStack(t, platformIds);
                if (!isVirtual) {
                    continue;
                }
                List<Frame> frames = new ArrayList<>();
                String top = null;
                for (JsonNode f : t.path("stack")) {
                    frames.add(frame(f.asString()));
                    top = top == null ? f.asString() : top;
                }
                String state = t.has("state") ? text(t.path("state")) : parkedState(top);
                List<String> owned = new ArrayList<>();
                for (JsonNode m : t.path("monitorsOwned")) {
                    for (JsonNode l : m.path("locks")) {
                        owned.add(l.asString());
                    }
                }
                JsonNode pb = t.path("parkBlocker");
                out.add(new VirtualThread(t.path("tid").asLong(), t.path("name").asString(""), state,
                        List.copyOf(frames), text(t.path("blockedOn")), text(t.path("waitingOn")),
                        text(pb.path("object")), pb.has("owner") ? pb.path("owner").asLong() : null, List.copyOf(owned)));
            }
        }
        return out;
    }

    /**
     * JDK 21 prints no state: an unmounted virtual thread whose innermost frame is
     * {@code VirtualThread.park} is WAITING, {@code parkNanos} TIMED_WAITING (sleep parks with a
     * timeout), which is what its Thread.getState() says; any other stack (a mounted thread,
     * possibly pinned and blocked on a monitor) stays unknown (null).
     */
    static String parkedState(String innermost) {
        if (innermost == null) {
            return null;
        }
        if (innermost.contains("java.lang.VirtualThread.parkNanos(")) {
            return "TIMED_WAITING";
        }
        if (innermost.contains("java.lang.VirtualThread.park(")) {
            return "WAITING";
        }
        return null;
    }

    /**
     * The virtual threads, and whether the JDK's format carries their states and locks (JDK 25:
     * yes; JDK 21: no, and its states are inferred, see {@link #parkedState}).
     */
    public record Dump(List<VirtualThread> threads, boolean hasLocks) {
    }

    /**
     * JDK 21 marks nothing: a thread whose stack runs {@code VirtualThread.run} is virtual (a
     * carrier shows {@code VirtualThread.runContinuation} instead); one with no stack is judged by
     * not being a platform thread of the Thread.print taken just before (a thread started between
     * the two would be misjudged, so that is the fallback only).
     */
    private static boolean virtualByStack(JsonNode t, java.util.Set<Long> platformIds) {
        JsonNode stack = t.path("stack");
        if (stack.isArray() && !stack.isEmpty()) {
            for (JsonNode f : stack) {
                if (f.asString().contains("java.lang.VirtualThread.run(")) {
                    return true;
                }
            }
            return false;
        }
        return !platformIds.isEmpty() && !platformIds.contains(t.path("tid").asLong());
    }

    /** Whether the dump's thread objects carry a state (JDK 25 does, with locks; JDK 21 does not). */
    private static boolean hasLocks(JsonNode root) {
        for (JsonNode container : root.path("threadContainers")) {
            for (JsonNode t : container.path("threads")) {
                return t.has("state");
            }
        }
        return false;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asString();
    }

    /** {@code java.base/java.lang.Thread.sleep(Thread.java:540)} → Thread.sleep, Thread.java, 540. */
    static Frame frame(String s) {
        int paren = s.indexOf('(');
        String method = paren < 0 ? s : s.substring(0, paren);
        int slash = method.lastIndexOf('/');
        if (slash >= 0) {
            method = method.substring(slash + 1); // module prefix
        }
        String loc = paren < 0 ? "" : s.substring(paren + 1, s.lastIndexOf(')') > paren ? s.lastIndexOf(')') : s.length());
        return JvmFrames.of(method, loc);
    }
}
