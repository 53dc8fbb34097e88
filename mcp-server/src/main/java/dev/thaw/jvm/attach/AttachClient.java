package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.AttachState;
import dev.thaw.jvm.JvmIdentity;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessKey;
import dev.thaw.proc.TargetGuard;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pure-Java HotSpot attach client (the protocol of OpenJDK's VirtualMachineImpl): jcmd-style diagnostics with no agent, no
 * {@code jdk.attach} and no JEP 451 warning, working across PID and mount namespaces.
 *
 * <p>Every operation: refuses at once when {@link JvmProbe} says attach cannot work (disabled,
 * no signal, not a JVM, another user); holds the per-JVM lock; starts the listener if needed;
 * speaks protocol v2 with {@code streaming=0} when the JVM offers it (JDK 24+: with streaming on,
 * the JVM writes the output while at a safepoint, so any slowness on our side pauses it), else
 * v1; and finishes within {@link AttachOptions#operationTimeout()} or fails saying why. Failures
 * are {@link ThawException}s with a fix; nothing else escapes.
 *
 * <p>Instances are cheap and hold no connection (HotSpot uses one connection per operation); they
 * come from an {@link AttachClients}, which keeps what operations learnt about each JVM.
 */
public final class AttachClient {

    private static final Logger log = LoggerFactory.getLogger(AttachClient.class);

    private final int pid;
    private final AttachOptions options;
    private final ProcFs proc;
    /** What earlier operations of this server learnt about each JVM; shared by all its clients. */
    private final AttachClients learnt;

    AttachClient(int pid, AttachOptions options, AttachClients learnt) {
        this.pid = pid;
        this.options = options;
        this.proc = learnt.proc();
        this.learnt = learnt;
    }

    public int pid() {
        return pid;
    }

    /** Runs one diagnostic command (what {@code jcmd PID <commandLine>} runs) and returns its output. */
    public String jcmd(String commandLine) {
        return checked(commandLine, execute("jcmd", commandLine));
    }

    /**
     * {@code Thread.print -l -e}: all platform threads with their locks and ownable synchronizers,
     * plus HotSpot's own deadlock report. Falls back to {@code -l} where {@code -e} is unknown.
     */
    public String threadDump() {
        ProcessKey key = processKey();
        if (key == null || learnt.noExtendedDump.get(key) == null) {
            AttachReply r = execute("jcmd", "Thread.print -l -e");
            if (r.ok() && !isDcmdError(r.text())) {
                return r.text();
            }
            // JDK 8 has no -e ("Unknown argument 'e' ..."): remember that, so each later dump is one
            // exchange, not two. Any other failure may be passing: fall back this once only.
            boolean unknownArgument = r.text() != null && r.text().contains("argument");
            log.debug("pid {}: Thread.print -e refused ({}){}", pid, firstLine(r.text()),
                    unknownArgument ? ", using -l from now on" : "");
            if (unknownArgument && key != null) {
                learnt.noExtendedDump.put(key, Boolean.TRUE);
            }
        }
        return jcmd("Thread.print -l");
    }

    /** The key of the process now at {@code pid}, or null when it is gone (the operation then says so). */
    private ProcessKey processKey() {
        try {
            return ProcessKey.of(proc, pid);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code GC.class_histogram -all}: no forced full GC (the default histogram forces one). */
    public String classHistogram() {
        return classHistogram(false);
    }

    /** @param liveOnly true forces a full GC first to count only live objects */
    public String classHistogram(boolean liveOnly) {
        return jcmd(liveOnly ? "GC.class_histogram" : "GC.class_histogram -all");
    }

    /** The target's system properties ({@code VM.system_properties}), sorted by name. */
    public Map<String, String> systemProperties() {
        String text = jcmd("VM.system_properties");
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new ThawException(ErrorCode.ATTACH_BAD_REPLY, "JVM " + pid + " sent system properties thaw cannot parse: "
                    + e.getMessage(), null, e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** {@code VM.flags}: the flags set on the command line, ergonomically or by management. */
    public String vmFlags() {
        return jcmd("VM.flags");
    }

    /**
     * {@code VM.info}: version, arguments, environment, memory, GC, loaded libraries (large).
     * JDK 9+; a JDK 8 JVM is refused with {@code jvm_command_unavailable}.
     */
    public String vmInfo() {
        return jdk9Command("VM.info", "VM.version, VM.flags and VM.system_properties (thaw: system_properties,"
                + " vm_flags) give the version, flags and arguments; class_histogram the heap's contents");
    }

    /** {@code VM.version}. */
    public String vmVersion() {
        return jcmd("VM.version");
    }

    /**
     * {@code GC.heap_info}: heap regions and usage per generation. JDK 9+, and later JDK 8 updates
     * (8u504 has it); a JVM without it is refused with {@code jvm_command_unavailable}.
     */
    public String heapInfo() {
        return jdk9Command("GC.heap_info", "class_histogram shows what fills the heap (and `jstat -gc " + pid
                + "` its generations)");
    }

    /**
     * A DCmd that JDK 9 added (JDK 8 updates carry some of them: 8u504 has GC.heap_info, not
     * VM.info): a JVM without it answers "Unknown diagnostic command"; say that it is the JDK
     * version, and what to use instead.
     */
    private String jdk9Command(String command, String instead) {
        AttachReply r = execute("jcmd", command);
        if ((!r.ok() || isDcmdError(r.text())) && r.text().contains("Unknown diagnostic command")) {
            String version = "";
            try {
                version = " " + firstLine(jcmd("VM.version").lines().skip(1).findFirst().orElse("")).trim();
            } catch (ThawException e) {
                // the version is a nicety in the message
            }
            throw new ThawException(ErrorCode.JVM_COMMAND_UNAVAILABLE, "JVM " + pid + " (" + version.trim()
                    + ") has no `" + command + "`: that diagnostic command came with JDK 9 (JDK 8 updates carry"
                    + " only some of the JDK 9 commands, not this one).",
                    "On JDK 8, " + instead + ".");
        }
        return checked(command, r);
    }

    /** The protocol version used with this JVM: 2 on JDK 24+, else 1. Attaches if needed. */
    public int protocolVersion() {
        try (AttachLocks.Held held = learnt.locks.acquire(pid, Deadline.in(options.operationTimeout()), "getversion")) {
            AttachTarget target = prepare();
            return protocol(target, "getversion").version();
        }
    }

    /**
     * Sends one raw attach operation and returns the reply whatever its status. Arguments beyond
     * three need protocol v2 (JDK 24+).
     */
    public AttachReply execute(String op, String... args) {
        String what = args.length == 0 ? op : op + " " + String.join(" ", args);
        try (AttachLocks.Held held = learnt.locks.acquire(pid, Deadline.in(options.operationTimeout()), what)) {
            AttachTarget target = prepare();
            AttachClients.Protocol protocol = protocol(target, what);
            byte[] request = protocol.version() == 2
                    ? AttachRequest.v2(op, protocol.streamingOption() ? "streaming=0" : "", List.of(args))
                    : AttachRequest.v1(op, List.of(args));
            long start = System.nanoTime();
            AttachReply reply = exchange(target, request, what);
            log.debug("pid {}: `{}` v{} status {} {} bytes in {} ms", pid, what, protocol.version(), reply.status(),
                    reply.output().length, (System.nanoTime() - start) / 1_000_000);
            return reply;
        }
    }

    /**
     * Refuses what cannot work, then makes sure the attach socket is up. A JVM a client of the same
     * {@link AttachClients} already talked to (same pid and start time) whose socket is still there skips the
     * identification: its attach state cannot have become a refusal, and identifying means
     * reading /proc/PID/maps, which the kernel builds line by line for each of a busy JVM's
     * thousands of mappings (milliseconds, repeated for every operation otherwise).
     */
    private AttachTarget prepare() {
        ProcStatus status = proc.status(pid);
        if (status.isZombie()) {
            throw new ProcessGoneException(pid); // exited, not yet reaped by its parent
        }
        // A stopped, traced or frozen JVM answers nothing, and a SIGQUIT sent now would fire on resume;
        // thaw's own JVM is never a target.
        new TargetGuard(proc).checkRunnable(pid, "attach to JVM");
        ProcessKey key = ProcessKey.of(proc, pid);
        AttachClients.Known known = learnt.known.get(key);
        if (known != null && ListenerStarter.socketExists(known.target().socket())) {
            checkCredentials(status, known.identity());
            return known.target();
        }
        JvmIdentity id = new JvmProbe(proc).inspect(pid).orElseThrow(() -> proc.exists(pid) && !exiting()
                ? new ThawException(ErrorCode.NOT_A_JVM, "Process " + pid + " is not a HotSpot JVM.",
                "Pick a JVM from list_processes (CLI: thaw ps).")
                : new ProcessGoneException(pid));
        AttachState state = id.attach();
        if (state.status() == AttachState.Status.UNKNOWN && exiting()) {
            throw new ProcessGoneException(pid); // a dying process hides its /proc/PID/root too
        }
        checkCredentials(status, id); // before the state: for another user's JVM the state is a guess
        switch (state.status()) {
            case DISABLED -> throw new ThawException(ErrorCode.ATTACH_DISABLED,
                    "JVM " + pid + " does not allow attach: " + state.reason(), state.fix());
            case NO_SIGNAL -> throw new ThawException(ErrorCode.ATTACH_NO_SIGNAL,
                    "JVM " + pid + " cannot be attached: " + state.reason(), state.fix());
            case UNKNOWN -> throw new ThawException(ErrorCode.PERMISSION_DENIED,
                    "Cannot attach to JVM " + pid + ": " + state.reason(), state.fix());
            default -> {
                // LISTENING or ON_DEMAND
            }
        }
        AttachTarget target = AttachTarget.of(proc, status, key.startTicks());
        learnt.listeners.ensureListening(target, Deadline.in(options.listenerTimeout()));
        learnt.known.put(key, new AttachClients.Known(target, id));
        return target;
    }

    /**
     * What {@link JvmProbe} said about this JVM when a client of the same {@link AttachClients}
     * first prepared it (the probe's answer, without reading /proc again), or empty before the
     * first operation.
     */
    public Optional<JvmIdentity> knownIdentity() {
        ProcessKey key = processKey();
        return key == null ? Optional.empty() : learnt.identity(key);
    }

    /** A process being killed has no mappings left a moment before it turns zombie. */
    private boolean exiting() {
        try {
            return proc.status(pid).isZombie() || proc.readString(pid, "maps").isEmpty();
        } catch (ProcessGoneException e) {
            return true;
        } catch (ThawException e) {
            return false; // not allowed to look (another user): alive as far as we can tell
        }
    }

    /**
     * HotSpot accepts a connection only from its own euid and egid, or root, and otherwise just
     * closes it (the client sees a "broken pipe"); saying so up front beats that.
     */
    private void checkCredentials(ProcStatus target, JvmIdentity id) {
        ProcStatus self = proc.status(Math.toIntExact(ProcessHandle.current().pid()));
        if (self.effectiveUid() == 0) {
            // JDK 8's listener checks the peer's uid and gid against its own and makes no exception
            // for root (JDK 9+ do): a root client just sees the connection closed.
            if (id.featureVersion() == 8 && (target.effectiveUid() != 0 || target.effectiveGid() != 0)) {
                throw new ThawException(ErrorCode.ATTACH_NEEDS_JVM_USER, "JVM " + pid + " runs Java " + id.javaVersion()
                        + " as uid " + target.effectiveUid() + " gid " + target.effectiveGid() + ", and a JDK 8 JVM"
                        + " accepts attach only from its own uid and gid, not from root (JDK 9 and later also"
                        + " accept root).", "Run thaw as the JVM's user and primary group, e.g. `sudo -u '#"
                        + target.effectiveUid() + "' -g '#" + target.effectiveGid() + "' ./thaw ...`.");
            }
            return;
        }
        if (self.effectiveUid() != target.effectiveUid() || self.effectiveGid() != target.effectiveGid()) {
            throw new ThawException(ErrorCode.PERMISSION_DENIED, "JVM " + pid + " runs as uid " + target.effectiveUid()
                    + " gid " + target.effectiveGid() + "; thaw runs as uid " + self.effectiveUid() + " gid "
                    + self.effectiveGid() + ", and a JVM only accepts attach from its own uid and gid, or root.",
                    "Run thaw as the JVM's user (same primary group), or as root.");
        }
    }

    private AttachClients.Protocol protocol(AttachTarget target, String what) {
        AttachClients.Protocol known = learnt.protocols.get(target.key());
        if (known != null) {
            return known;
        }
        // JDK 24+ answers "2 streaming"; older JVMs answer -1 "Operation getversion not recognized!".
        AttachReply r = exchange(target, AttachRequest.v1("getversion", List.of("options")), what);
        AttachClients.Protocol p = AttachClients.Protocol.V1;
        if (r.ok()) {
            String[] parts = r.text().trim().split("\\s+", 2);
            if (parts[0].equals("2")) {
                p = new AttachClients.Protocol(2, parts.length > 1 && List.of(parts[1].split(",")).contains("streaming"));
            }
        }
        learnt.protocols.put(target.key(), p);
        return p;
    }

    private AttachReply exchange(AttachTarget target, byte[] request, String what) {
        try {
            AttachReply reply = AttachSocket.exchange(target.socket(), request,
                    Deadline.in(options.operationTimeout()), options.maxReplyBytes());
            if (reply.status() == AttachReply.BAD_VERSION && request[0] == '2') {
                learnt.protocols.remove(target.key());
            }
            return reply;
        } catch (AttachSocket.ExchangeException e) {
            throw explain(target, what, e);
        }
    }

    private ThawException explain(AttachTarget target, String what, AttachSocket.ExchangeException e) {
        if (!sameProcess(target)) {
            learnt.protocols.remove(target.key());
            return new ThawException(ErrorCode.PROCESS_GONE, "JVM " + pid + " exited while thaw was running `" + what
                    + "` (" + phaseWords(e.phase) + ").",
                    "List the live processes with list_processes (CLI: thaw ps) and use a current pid.", e);
        }
        if (e.timedOut) {
            return new ThawException(ErrorCode.ATTACH_TIMEOUT, "JVM " + pid + " did not finish `" + what + "` within "
                    + options.operationTimeout().toMillis() + " ms (" + phaseWords(e.phase) + ").",
                    "The JVM may be unable to reach a safepoint, or its attach listener is stuck (for example"
                            + " behind an agent whose agentmain blocks); retry with a longer timeout, and if it"
                            + " still hangs, the attach listener is unusable until the JVM restarts.", e);
        }
        if (e.phase == AttachSocket.Phase.CONNECT) {
            return new ThawException(ErrorCode.ATTACH_CONNECT, "Cannot connect to JVM " + pid + "'s attach socket "
                    + target.socket() + ": " + e.getMessage() + ".",
                    "If the socket file is stale (left by a killed JVM), delete it: the next attach restarts the"
                            + " listener.", e);
        }
        return new ThawException(ErrorCode.ATTACH_IO, "JVM " + pid + " closed the attach connection during `" + what
                + "` (" + phaseWords(e.phase) + "): " + e.getMessage() + ".",
                "Run thaw with the JVM's uid and gid, or as root; keep arguments under 1024 bytes for JVMs"
                        + " older than JDK 24.", e);
    }

    /**
     * Whether the target still runs. Called only after an I/O failure, which a SIGKILLed JVM
     * causes a little before /proc shows it as a zombie (its files close first, during exit),
     * so a live-looking target is watched for a short grace period before we blame the socket.
     */
    private boolean sameProcess(AttachTarget target) {
        long until = System.nanoTime() + GONE_GRACE_NANOS;
        do {
            if (goneOrExiting(target)) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        } while (System.nanoTime() < until);
        return true;
    }

    private static final long GONE_GRACE_NANOS = 200_000_000L;

    private boolean goneOrExiting(AttachTarget target) {
        try {
            return !ProcessKey.of(proc, target.pid()).equals(target.key())
                    || proc.status(target.pid()).isZombie()
                    || proc.readString(target.pid(), "maps").isEmpty(); // address space already torn down
        } catch (ProcessGoneException gone) {
            return true;
        } catch (ThawException denied) {
            return false;
        }
    }

    private static String phaseWords(AttachSocket.Phase phase) {
        return switch (phase) {
            case CONNECT -> "while connecting";
            case SEND -> "while sending the request";
            case STATUS -> "before any reply";
            case BODY -> "while reading the reply";
        };
    }

    private String checked(String what, AttachReply r) {
        String text = r.text();
        if (!r.ok() || isDcmdError(text)) {
            throw new ThawException(ErrorCode.ATTACH_OPERATION_FAILED, "JVM " + pid + " refused `" + what + "`: "
                    + firstLine(text.isBlank() ? "status " + r.status() : text),
                    "Check the command with `jcmd " + pid + " help` (the set of commands depends on the JDK"
                            + " version).");
        }
        if (r.truncated()) {
            log.warn("pid {}: `{}` output cut at {} bytes", pid, what, options.maxReplyBytes());
        }
        return text;
    }

    /**
     * Before JDK 21 or so, a DCmd that throws still reports status 0, with the exception as its
     * output; recognise the two shapes HotSpot uses.
     */
    static boolean isDcmdError(String text) {
        String head = firstLine(text);
        return head.startsWith("java.lang.IllegalArgumentException:")
                || head.startsWith("java.lang.") && head.contains("Exception")
                || head.startsWith("Unknown diagnostic command");
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
