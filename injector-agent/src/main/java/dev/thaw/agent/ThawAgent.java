package dev.thaw.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry point of the agent jar. {@code agentmain} runs on the target's single Attach Listener thread,
 * so it must return at once: a blocking agentmain wedges attach for the life of the target.
 * Probe execution (issue: JVM probes) hands work to a daemon thread from here.
 */
public final class ThawAgent {

    private static volatile Instrumentation instrumentation;

    private ThawAgent() {
    }

    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }
}
