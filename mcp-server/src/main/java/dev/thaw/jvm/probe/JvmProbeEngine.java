package dev.thaw.jvm.probe;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.JvmIdentity;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.jvm.JvmThread;
import dev.thaw.jvm.ThreadDumpParser;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcessKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Java probes, server side: identify a JVM that can take one, compile the probe for it, write the
 * payload into the injection directory, and get the agent to run it.
 *
 * <p><b>One agent load per JVM.</b> The first probe into a JVM copies the agent jar into its
 * injection directory and loads it with the attach {@code load} operation, naming that probe's
 * request file; the agent then keeps one daemon thread watching the JVM's temporary directory, so
 * every later probe is delivered by just renaming its {@code request} file into place: no attach,
 * no new JVMTI environment, no second JDK 21+ warning. The jar is removed with the directory (the
 * agent's classes are loaded by then). A thaw server started later finds the agent through the
 * system property it publishes ({@link AgentMarker}).
 *
 * <p>A probe that does not compile never reaches the target: the engine takes the run-once guard
 * itself and writes the {@code failed} status with the compiler's diagnostics, as the target would
 * for a script that fails.
 */
public final class JvmProbeEngine {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProbeEngine.class);
    static final String AGENT_JAR = "thaw-agent.jar";
    /** The JPLIS warning JDK 21+ prints on the target's stderr at each dynamic agent load (JEP 451). */
    public static final String WARNING_NOTE = "JDK 21+ printed its dynamic-agent warning (JEP 451, \"WARNING: A Java"
            + " agent has been loaded dynamically ...\") on the target's stderr when thaw loaded its probe agent; it"
            + " is printed once: later probes reuse the loaded agent. Start the JVM with"
            + " -XX:+EnableDynamicAgentLoading to silence it.";

    /** JVMs whose agent state is remembered; one forgotten is asked again (its agent marker says it is loaded). */
    static final int MAX_TARGETS = 256;

    private final ProcFs proc;
    private final ProbeCompiler compiler;
    private final AttachClients attach;
    /** Per JVM; guarded by itself, so that two probes into one JVM share one state. */
    private final BoundedCache<ProcessKey, TargetState> targets = new BoundedCache<>(MAX_TARGETS);

    /** What thaw knows about the agent in one JVM. */
    private static final class TargetState {
        JvmTargetInfo info;
        String agentId;
        boolean loaded;
        final Set<String> watched = new LinkedHashSet<>();
        int loads;
    }

    /**
     * One prepared probe.
     *
     * @param probe      the compiled probe, or null when it did not compile
     * @param failure    the compiler's errors, or null
     * @param viaLoad    the agent must be loaded to deliver it (first probe, or a new temporary directory)
     * @param notes      what the caller should know
     * @param loading    the agent load started while the probe compiled (null when not loading)
     */
    public record Prepared(CompiledProbe probe, CompileFailure failure, boolean viaLoad, List<String> notes,
                           CompletableFuture<List<String>> loading) {
    }

    public JvmProbeEngine(AttachClients attach, ProbeCompiler compiler) {
        this.proc = attach.proc();
        this.compiler = compiler;
        this.attach = attach;
    }

    public ProbeCompiler compiler() {
        return compiler;
    }

    /**
     * A JVM that can take a probe, or empty when the process is not a JVM.
     *
     * @throws ThawException when it is a JVM that cannot: attach disabled or impossible, dynamic
     *                       agent loading disabled, older than Java 8
     */
    public Optional<JvmTarget> identify(int pid) {
        Optional<JvmIdentity> found = new JvmProbe(proc).inspect(pid);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JvmIdentity id = found.get();
        if (!id.attach().attachable()) {
            throw new ThawException(switch (id.attach().status()) {
                case DISABLED -> ErrorCode.ATTACH_DISABLED;
                case NO_SIGNAL -> ErrorCode.ATTACH_NO_SIGNAL;
                default -> ErrorCode.PERMISSION_DENIED;
            }, "JVM " + pid + " cannot be attached, so no probe can reach it: " + id.attach().reason(),
                    id.attach().fix());
        }
        if (!id.attach().dynamicAgentLoading()) {
            throw AgentLoader.disabled(pid);
        }
        if (id.featureVersion() > 0 && id.featureVersion() < 8) {
            throw new ThawException(ErrorCode.UNSUPPORTED_JVM, "JVM " + pid + " runs Java " + id.javaVersion()
                    + "; thaw's probe agent needs Java 8 or newer.", "Use the agent-less tools (snapshot, jvm_diagnostic).");
        }
        ProcStatus st = proc.status(pid);
        return Optional.of(new JvmTarget(pid, proc.stat(pid).startTimeTicks(), st.innermostPid(), st.effectiveUid(),
                st.effectiveGid(), id.javaVersion(), id.featureVersion(), proc.exe(pid).orElse(null)));
    }

    /**
     * Compiles the probe and writes the payload; a compile error becomes the probe's failed status.
     * When the agent is not in the JVM yet, it is loaded meanwhile (the load names this request,
     * which the agent then waits for), so the first probe costs the longer of compiling and loading
     * rather than both.
     */
    public Prepared prepare(JvmTarget target, ProbeDir dir, String injectionId, ProbeSpec spec) {
        TargetState state = state(target);
        JvmTargetInfo info = info(target, state);
        long loaderThread = loaderThread(target, spec.loaderThread());
        String tempDir = parentInTarget(dir);
        boolean viaLoad;
        String agentId;
        synchronized (state) {
            viaLoad = !state.loaded || !state.watched.contains(tempDir);
            if (state.agentId == null) {
                state.agentId = newAgentId();
            }
            agentId = state.agentId;
        }
        CompletableFuture<List<String>> loading = null;
        if (viaLoad) {
            write(dir, AGENT_JAR, AgentJar.bytes());
            // The JVM reads the jar at the directory's final path, as the target's user: hand the
            // directory over first. What is written after this is created by descriptor, O_EXCL.
            handOver(dir);
            loading = CompletableFuture.supplyAsync(() -> load(target, dir, agentId), LOADER);
        }
        CompiledProbe probe;
        try {
            probe = compiler.compile(spec.code(), info.release(), TargetClassPath.resolve(proc, target.pid(), info.classPath()));
        } catch (CompileFailure.Exception e) {
            writeCompileFailure(dir, e.failure());
            settle(loading);
            return new Prepared(null, e.failure(), false, List.of(), null);
        } catch (RuntimeException e) {
            settle(loading);
            throw e;
        }
        write(dir, RequestFile.CLASSES, probe.bundle());
        write(dir, RequestFile.NAME + ".tmp", RequestFile.render(agentId, injectionId, probe, spec, loaderThread));
        return new Prepared(probe, null, viaLoad, probe.notes(), loading);
    }

    private static void handOver(ProbeDir dir) {
        try {
            dir.handOver();
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot hand the injection directory " + dir.hostPath()
                    + " to the JVM's user: " + e.getMessage() + ".", "Check the target's /dev/shm or /tmp.", e);
        }
    }

    private static void write(ProbeDir dir, String name, byte[] bytes) {
        try {
            dir.writeFile(name, bytes);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot write the probe into " + dir.hostPath() + ": "
                    + e.getMessage() + ".", "Check free space and permissions of that directory (the target's /dev/shm or /tmp).", e);
        }
    }

    /**
     * Waits for a load whose probe will not be delivered, whatever its outcome: the JVM reads the
     * jar from the injection directory during the load, and removing the directory under it would
     * make the JVM print an error on its stderr.
     */
    private static void settle(CompletableFuture<List<String>> loading) {
        if (loading != null) {
            try {
                loading.join();
            } catch (RuntimeException ignored) {
                // the probe's own outcome (compile error, refusal) is what the caller needs to hear
            }
        }
    }

    /** The load's notes, or its refusal as the ThawException it is. */
    private static List<String> join(CompletableFuture<List<String>> loading) {
        if (loading == null) {
            return List.of();
        }
        try {
            return loading.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Agent loads run here, beside the compiler; daemon threads, so they never keep thaw alive. */
    private static final java.util.concurrent.Executor LOADER = r -> {
        Thread t = new Thread(r, "thaw-agent-load");
        t.setDaemon(true);
        t.start();
    };

    /**
     * Makes the agent run the prepared probe: renames the request into place (the resident agent
     * picks it up) and, for the first probe into this JVM, loads the agent naming it.
     *
     * @return notes for the result (the JDK 21+ warning when this call loaded the agent)
     */
    public List<String> deliver(JvmTarget target, ProbeDir dir, Prepared prepared) {
        if (prepared.failure() != null) {
            return List.of();
        }
        List<String> notes = join(prepared.loading());
        try {
            dir.rename(RequestFile.NAME + ".tmp", RequestFile.NAME);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot put the probe's request in place in " + dir.hostPath()
                    + ": " + e.getMessage() + ".", "Check that directory (the target's /dev/shm or /tmp): full? read-only?", e);
        }
        return notes;
    }

    /**
     * Loads the agent for a delivered request that the resident agent did not pick up (its thread
     * is gone, or it never saw the directory). Safe to call while the agent may still pick it up:
     * the run-once guard in the directory lets only one of them run it.
     */
    public List<String> loadAgain(JvmTarget target, ProbeDir dir) {
        try {
            if (!dir.exists(AGENT_JAR)) {
                dir.writeFile(AGENT_JAR, AgentJar.bytes());
            }
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot write the agent jar into " + dir.hostPath() + ": "
                    + e.getMessage() + ".", "Check that directory (the target's /dev/shm or /tmp): full? read-only?", e);
        }
        List<String> notes = new ArrayList<>(load(target, dir, state(target).agentId));
        notes.add(0, "thaw's resident agent in JVM " + target.pid() + " did not pick the probe up, so thaw loaded"
                + " the agent again to deliver it.");
        return notes;
    }

    private List<String> load(JvmTarget target, ProbeDir dir, String agentId) {
        TargetState state = state(target);
        AgentLoader.load(attach, target.pid(), dir.inRoot(AGENT_JAR), agentId, dir.inRoot(RequestFile.NAME));
        boolean quiet = target.feature() >= 21 && explicitlyEnabled(target.pid());
        synchronized (state) {
            state.loaded = true;
            state.loads++;
            state.watched.add(parentInTarget(dir));
        }
        LOG.info("loaded thaw's probe agent into JVM {} ({} load(s) so far)", target.pid(), state.loads);
        return target.feature() >= 21 && !quiet ? List.of(WARNING_NOTE) : List.of();
    }

    /** How many times this server loaded the agent into the target (tests, doctor). */
    public int loads(JvmTarget target) {
        TargetState s = targets.get(target.key());
        return s == null ? 0 : s.loads;
    }

    /** -XX:+EnableDynamicAgentLoading on the command line silences the JEP 451 warning. */
    private boolean explicitlyEnabled(int pid) {
        try {
            return attach.to(pid).vmFlags().contains("-XX:+EnableDynamicAgentLoading");
        } catch (ThawException e) {
            return false;
        }
    }

    private TargetState state(JvmTarget target) {
        ProcessKey key = target.key();
        synchronized (targets) {
            targets.removeKeys(k -> k.samePid(key) && !k.equals(key)); // the pid was reused: that JVM is gone
            TargetState s = targets.get(key);
            if (s == null) {
                s = new TargetState();
                targets.put(key, s);
            }
            return s;
        }
    }

    /**
     * The target's properties, asked once per target: class path and release do not change, and
     * the agent marker tells whether an agent (maybe loaded by an earlier thaw) is there already.
     */
    private JvmTargetInfo info(JvmTarget target, TargetState state) {
        synchronized (state) {
            if (state.info == null) {
                state.info = JvmTargetInfo.of(attach.to(target.pid()).systemProperties());
                Optional<AgentMarker> m = state.info.agent();
                if (m.isPresent()) {
                    if (!m.get().compatible()) {
                        throw new ThawException(ErrorCode.AGENT_INCOMPATIBLE, "JVM " + target.pid() + " already runs a thaw"
                                + " probe agent of another version (protocol " + m.get().protocol() + "; this thaw speaks "
                                + AgentMarker.PROTOCOL + "), and a JVM cannot replace a loaded agent.",
                                "Use the thaw version that loaded it, or restart the JVM. Agent-less tools work as they are.");
                    }
                    state.loaded = true;
                    state.agentId = m.get().ids().iterator().next();
                    state.watched.addAll(m.get().watchedDirs());
                }
            }
            return state.info;
        }
    }

    /** {@code auto} → -1 (system loader); {@code main} or a native tid → that thread's Thread.getId(). */
    private long loaderThread(JvmTarget target, String choice) {
        if (choice.equals("auto")) {
            return -1;
        }
        List<JvmThread> threads = ThreadDumpParser.parse(attach.to(target.pid()).threadDump()).threads();
        for (JvmThread t : threads) {
            boolean match = choice.equals("main") ? t.name().equals("main")
                    : choice.matches("\\d+") && t.nid() == Long.parseLong(choice);
            if (match && t.isJavaThread() && t.number() >= 0) {
                return t.number();
            }
        }
        throw new ThawException(ErrorCode.INVALID_ARGUMENT, "JVM " + target.pid() + " has no Java thread "
                + (choice.equals("main") ? "named \"main\"" : "with native id " + choice) + ".",
                "Use thread \"auto\" (the system class loader), or a thread id from snapshot.");
    }

    private static void writeCompileFailure(ProbeDir dir, CompileFailure f) {
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("state", "failed");
        status.put("phase", "compile");
        status.put("errorType", "CompilationError");
        status.put("error", f.summary());
        status.put("traceback", f.rendered());
        try {
            dir.writeFile("claim", new byte[0]); // nothing may run this directory
            dir.writeFile("status.json.tmp", dev.thaw.Json.write(status).getBytes(StandardCharsets.UTF_8));
            dir.rename("status.json.tmp", "status.json");
        } catch (IOException e) {
            throw new ThawException(ErrorCode.PAYLOAD_UNWRITABLE, "Cannot write the compiler's report into " + dir.hostPath()
                    + ": " + e.getMessage() + ".", "Check that directory (the target's /dev/shm or /tmp): full? read-only?", e);
        }
    }

    private static String parentInTarget(ProbeDir dir) {
        String p = dir.inRoot("x");
        String d = p.substring(0, p.lastIndexOf('/'));
        return d.substring(0, Math.max(1, d.lastIndexOf('/')));
    }

    private static String newAgentId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
    }
}
