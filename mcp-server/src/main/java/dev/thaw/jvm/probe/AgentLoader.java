package dev.thaw.jvm.probe;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.jvm.attach.AttachReply;

/**
 * Loads injector-agent into a JVM with the raw attach {@code load} operation ({@code instrument},
 * not absolute, {@code <jar>=<agent id> <request>}), through thaw's own attach client, which works across PID
 * and mount namespaces where byte-buddy-agent's emulated client cannot (it uses the host's /tmp and pid). Both
 * paths are the target's view; the v1 limit of 1024 bytes per argument applies to the pair.
 *
 * <p>HotSpot answers status 0 when the operation ran, then the JPLIS result: {@code 0} (JDK 17:
 * a bare number; JDK 21+: {@code return code: 0}) when agentmain returned, 100-102 when the jar or
 * its Agent-Class is wrong or agentmain threw; a target started with
 * -XX:-EnableDynamicAgentLoading refuses with "Dynamic agent loading is not enabled".
 */
final class AgentLoader {

    private AgentLoader() {
    }

    /**
     * @param agentId          the id the agent answers to (see {@code AgentMarker})
     * @param requestInTarget  the request the agent waits for; it may not exist yet
     */
    static void load(AttachClients attach, int pid, String jarInTarget, String agentId, String requestInTarget) {
        AttachReply r = attach.to(pid).execute("load", "instrument", "false",
                jarInTarget + "=" + agentId + " " + requestInTarget);
        String text = r.text().strip();
        if (text.contains("Dynamic agent loading is not enabled")) {
            throw disabled(pid);
        }
        Integer code = returnCode(text);
        if (!r.ok() || code == null || code != 0) {
            throw new ThawException(ErrorCode.AGENT_LOAD_FAILED, "JVM " + pid + " did not load thaw's probe agent: "
                    + (text.isEmpty() ? "attach status " + r.status() : text.replace('\n', ' ')) + ".",
                    "Check the target's stderr for the JVM's own message; agent-less tools (snapshot,"
                            + " jvm_diagnostic) still work.");
        }
    }

    static ThawException disabled(int pid) {
        return new ThawException(ErrorCode.AGENT_LOADING_DISABLED, "JVM " + pid + " was started with"
                + " -XX:-EnableDynamicAgentLoading, so it refuses to load thaw's probe agent; Java probes cannot run in it.",
                "Restart the JVM without -XX:-EnableDynamicAgentLoading to run probes. The agent-less tools"
                        + " (snapshot, jvm_diagnostic) work as they are.");
    }

    /** The JPLIS result in the reply body: the last number on it. */
    static Integer returnCode(String text) {
        String[] words = text.split("[^0-9-]+");
        for (int i = words.length - 1; i >= 0; i--) {
            if (words[i].matches("-?\\d{1,4}")) {
                return Integer.parseInt(words[i]);
            }
        }
        return text.isEmpty() ? 0 : null;
    }
}
