package dev.thaw.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * What to inject where, as the tools and the CLI pass it.
 *
 * @param pid        the target process
 * @param code       the script text, exactly as it will run (and as the session log records it)
 * @param params     JSON-like values handed to the script as {@code params}; never null
 * @param thread     which thread should pick it up
 * @param mode       own thread (default) or inline on the interrupted thread
 * @param timeout    how long the caller waits for the result (queueing and delivery included)
 * @param hypothesis what the caller wants to learn (recorded, never interpreted)
 * @param outputCap  bytes of output kept; more is counted and reported as truncated
 * @param catalogId  the catalog diagnostic {@code code} comes from, or null for a custom script
 * @param runtime    the runtime the code is written for ({@code cpython}, {@code hotspot}), or null when
 *                   the target decides; a target of another runtime is refused before anything runs
 */
public record InjectionRequest(int pid, String code, Map<String, Object> params, ThreadChoice thread,
                               InjectionMode mode, Duration timeout, String hypothesis, long outputCap,
                               String catalogId, String runtime) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final long DEFAULT_OUTPUT_CAP = 4L << 20;
    public static final long MAX_OUTPUT_CAP = 64L << 20;
    public static final int MAX_CODE_BYTES = 1 << 20;

    public InjectionRequest {
        if (pid <= 0) {
            throw invalid("pid", "must be a positive process id");
        }
        if (code == null || code.isBlank()) {
            throw invalid("code", "must contain the script to run");
        }
        if (code.getBytes(StandardCharsets.UTF_8).length > MAX_CODE_BYTES) {
            throw invalid("code", "is longer than " + MAX_CODE_BYTES + " bytes");
        }
        params = params == null ? Map.of() : params;
        thread = thread == null ? ThreadChoice.AUTO : thread;
        mode = mode == null ? InjectionMode.THREAD : mode;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw invalid("timeout_s", "must be between 0 and " + MAX_TIMEOUT.toSeconds() + " seconds");
        }
        if (outputCap <= 0) {
            outputCap = DEFAULT_OUTPUT_CAP;
        }
        if (outputCap > MAX_OUTPUT_CAP) {
            throw invalid("output_cap", "must be at most " + MAX_OUTPUT_CAP + " bytes");
        }
    }

    /** A custom script for whichever runtime the target is. */
    public InjectionRequest(int pid, String code, Map<String, Object> params, ThreadChoice thread, InjectionMode mode,
                            Duration timeout, String hypothesis, long outputCap) {
        this(pid, code, params, thread, mode, timeout, hypothesis, outputCap, null, null);
    }

    /** A request with the defaults for everything but the target and the code. */
    public static InjectionRequest of(int pid, String code) {
        return new InjectionRequest(pid, code, Map.of(), ThreadChoice.AUTO, InjectionMode.THREAD, DEFAULT_TIMEOUT,
                null, DEFAULT_OUTPUT_CAP);
    }

    public InjectionRequest withTimeout(Duration t) {
        return new InjectionRequest(pid, code, params, thread, mode, t, hypothesis, outputCap, catalogId, runtime);
    }

    public InjectionRequest withParams(Map<String, Object> p) {
        return new InjectionRequest(pid, code, p, thread, mode, timeout, hypothesis, outputCap, catalogId, runtime);
    }

    public InjectionRequest withThread(ThreadChoice t) {
        return new InjectionRequest(pid, code, params, t, mode, timeout, hypothesis, outputCap, catalogId, runtime);
    }

    public InjectionRequest withMode(InjectionMode m) {
        return new InjectionRequest(pid, code, params, thread, m, timeout, hypothesis, outputCap, catalogId, runtime);
    }

    public InjectionRequest withOutputCap(long cap) {
        return new InjectionRequest(pid, code, params, thread, mode, timeout, hypothesis, cap, catalogId, runtime);
    }

    public InjectionRequest withHypothesis(String h) {
        return new InjectionRequest(pid, code, params, thread, mode, timeout, h, outputCap, catalogId, runtime);
    }

    /** The same request for a catalog diagnostic of the given runtime. */
    public InjectionRequest forCatalogEntry(String id, String entryRuntime) {
        return new InjectionRequest(pid, code, params, thread, mode, timeout, hypothesis, outputCap, id, entryRuntime);
    }

    /** The same request, for code written for one runtime. */
    public InjectionRequest withRuntime(String r) {
        return new InjectionRequest(pid, code, params, thread, mode, timeout, hypothesis, outputCap, catalogId, r);
    }

    static ThawException invalid(String name, String why) {
        return new ThawException(ErrorCode.INVALID_ARGUMENT, "Argument '" + name + "' " + why + ".",
                "Call again with a valid '" + name + "'.");
    }
}
