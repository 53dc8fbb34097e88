package dev.thaw.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry point of the agent jar, loaded into a target JVM once and then kept.
 *
 * <p>{@code agentmain} runs on the target's single Attach Listener thread: a blocking agentmain
 * wedges attach for the life of the target, and an exception escaping it is printed on the
 * target's stderr by the JDK. So it only preloads this jar's classes (the server removes the jar
 * file right after the load, and an open jar keeps serving classes from its descriptor), starts
 * one daemon thread and returns; everything, including failures, stays off the application's
 * stdout and stderr.
 *
 * <p>The argument is {@code <agent id> <request path>}: the id thaw gave this JVM's agent and the
 * {@code request} file of an injection directory, as the target sees it (it may appear only after
 * the load: thaw loads while it compiles). v1 attach arguments are limited to 1024 bytes, so the
 * payload itself travels in files.
 *
 * <p>One load per JVM: the first load starts {@link AgentWatcher}, which then picks up later
 * requests from the file system by itself, so the JDK 21+ dynamic-agent warning is printed once.
 * A second load (another thaw server that could not see the first) only hands its request over.
 */
public final class ThawAgent {

    /** Version of the request files this agent reads; the server checks it before reusing an agent. */
    static final String PROTOCOL = "1";

    /** System property the agent publishes: {@code <protocol> <agent ids,> <watched dir>...}. */
    static final String PROPERTY = "dev.thaw.agent";

    /**
     * Every class of this jar, loaded in agentmain so that none is needed from the jar file later.
     * Nothing checks this list against the jar: a class added to the agent must be added here too.
     */
    static final String[] CLASSES = {
        "dev.thaw.agent.Probe",
        "dev.thaw.agent.Access",
        "dev.thaw.agent.Kit",
        "dev.thaw.agent.Kit$StaticField",
        "dev.thaw.agent.AgentWatcher",
        "dev.thaw.agent.ProbeRequest",
        "dev.thaw.agent.ProbeRun",
        "dev.thaw.agent.ProbeRun$Watchdog",
        "dev.thaw.agent.ProbeLoader",
        "dev.thaw.agent.OutputSink",
        "dev.thaw.agent.StatusFile",
        "dev.thaw.agent.Traces",
        "dev.thaw.agent.Self",
        "dev.thaw.agent.Quiet",
        "dev.thaw.agent.ThawAgent$Load",
    };

    private static volatile Instrumentation instrumentation;

    private ThawAgent() {
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }

    private static void start(String args, Instrumentation inst) {
        try {
            instrumentation = inst;
            ClassLoader own = ThawAgent.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, false, own);
            }
            Thread t = new Thread(new Load(args == null ? "" : args.trim()), "thaw-agent-load");
            t.setDaemon(true);
            t.setContextClassLoader(own);
            t.setUncaughtExceptionHandler(Quiet.HANDLER);
            t.start();
        } catch (Throwable ignored) {
            // Never let anything reach the Attach Listener (the JDK would print it on the app's stderr).
        }
    }

    /** The work of a load, off the Attach Listener thread. */
    static final class Load implements Runnable {
        private final String request;

        Load(String request) {
            this.request = request;
        }

        @Override
        public void run() {
            AgentWatcher.onLoad(request);
        }
    }
}
