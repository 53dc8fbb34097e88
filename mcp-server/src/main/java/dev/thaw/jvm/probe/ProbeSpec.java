package dev.thaw.jvm.probe;

import java.time.Duration;
import java.util.Map;

/**
 * One probe to run.
 *
 * @param code          Java source: a class implementing {@code dev.thaw.agent.Probe}, or the body
 *                      of its {@code run(Map<String,String> params, PrintWriter out)}
 * @param params        handed to the probe as strings (other values as their JSON-ish text)
 * @param timeout       how long the probe may run in the target before it is interrupted
 * @param outputCap     output bytes kept
 * @param loaderThread  whose context class loader is the parent of the probe's loader:
 *                      {@code auto} (the system loader), {@code main}, or a native thread id
 */
public record ProbeSpec(String code, Map<String, Object> params, Duration timeout, long outputCap,
                        String loaderThread) {

    public ProbeSpec {
        params = params == null ? Map.of() : params;
        loaderThread = loaderThread == null || loaderThread.isBlank() ? "auto" : loaderThread.trim();
    }
}
