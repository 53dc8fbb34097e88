package dev.thaw.agent;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What a Java probe implements. thaw compiles the probe in the server against the target's own class
 * path, ships the class file, and injector-agent runs {@link #run} on a daemon thread in a throwaway
 * class loader, with a timeout. Everything the probe writes to {@code out} comes back to the caller.
 *
 * <p>Rules for probes (they run inside a production JVM): never take application locks without a
 * timeout, never write to System.out or System.err, return promptly.
 */
public interface Probe {

    /**
     * @param params the caller's parameters, as strings
     * @param out    the probe's output channel
     */
    void run(Map<String, String> params, PrintWriter out) throws Exception;
}
