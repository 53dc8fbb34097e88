package dev.thaw.snapshot;

import java.util.Map;

/**
 * A tool call a client can issue verbatim to confirm or deepen a finding, e.g.
 * {@code {tool: "inject_script", arguments: {pid: 42, diagnostic: "py.lock_waiters"}}}.
 *
 * @param tool      the MCP tool name
 * @param arguments its arguments, exactly as the tool takes them
 * @param why       what the call would show, in a few words
 */
public record NextCall(String tool, Map<String, Object> arguments, String why) {

    public NextCall {
        // the caller's order (pid first) is kept: a person reads these
        arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }
}
