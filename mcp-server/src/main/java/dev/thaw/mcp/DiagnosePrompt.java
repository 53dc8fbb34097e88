package dev.thaw.mcp;

import dev.thaw.ThawException;
import dev.thaw.process.ProcessInfo;
import dev.thaw.process.ProcessLister;
import dev.thaw.session.SessionRecorder;
import dev.thaw.session.approval.ApprovalPolicy;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;

/**
 * The {@code diagnose_hang} prompt: the escalation ladder (look, ask the runtime, inject) as
 * instructions for the assistant, with what thaw knows about the pid right now and the approval
 * policy in force, so the assistant neither injects first nor is surprised by a confirmation.
 */
public final class DiagnosePrompt {

    public static final String NAME = "diagnose_hang";

    private final ProcessLister lister;
    private final ApprovalPolicy policy;
    private final SessionRecorder recorder;

    public DiagnosePrompt(ProcessLister lister, ApprovalPolicy policy, SessionRecorder recorder) {
        this.lister = lister;
        this.policy = policy;
        this.recorder = recorder;
    }

    public SyncPromptSpecification specification() {
        McpSchema.Prompt prompt = McpSchema.Prompt.builder(NAME)
                .title("Diagnose a hung process")
                .description("Find out why a Python 3.14+ or JVM process is stuck, following thaw's escalation ladder: "
                        + "look without touching, ask the runtime, inject only when needed; record hypotheses and findings.")
                .arguments(List.of(McpSchema.PromptArgument.builder("pid")
                        .description("The process id of the stuck process (see list_processes).").required(true).build()))
                .build();
        return new SyncPromptSpecification(prompt, (ex, req) -> {
            SessionStarts.begin(recorder, ex);
            Object raw = req.arguments() == null ? null : req.arguments().get("pid");
            int pid = parsePid(raw);
            String text = instructions(pid, describe(pid));
            return McpSchema.GetPromptResult.builder(List.of(McpSchema.PromptMessage.builder(McpSchema.Role.USER,
                    McpSchema.TextContent.builder(text).build()).build()))
                    .description("Diagnose why pid " + pid + " hangs").build();
        });
    }

    static int parsePid(Object raw) {
        String s = raw == null ? "" : String.valueOf(raw).trim();
        if (!s.matches("\\d{1,9}") || Integer.parseInt(s) < 1) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("Argument 'pid' must be a process id (a positive integer), got '" + s + "'. "
                            + "Fix: take the pid from list_processes.")
                    .data(Map.of("argument", "pid")).build();
        }
        return Integer.parseInt(s);
    }

    private String describe(int pid) {
        try {
            ProcessInfo p = lister.describe(pid);
            String rt = p.runtime() == null ? "unknown runtime" : p.runtime().label();
            return "pid " + pid + " is `" + p.command() + "` (" + rt + ", user " + p.user() + ", started " + p.startTime()
                    + ")" + (p.attachable() ? "; thaw can look inside it." : "; thaw cannot look inside it yet: "
                    + p.reason() + " Run `doctor` with this pid first.");
        } catch (ThawException e) {
            return "thaw cannot describe pid " + pid + " right now: " + e.explain();
        } catch (RuntimeException e) {
            return "thaw cannot describe pid " + pid + " right now (" + e.getClass().getSimpleName() + ").";
        }
    }

    String instructions(int pid, String facts) {
        return """
                Diagnose why process %1$d is hung, using thaw's tools. %2$s

                Follow the escalation ladder and stop climbing as soon as the cause is clear:

                0. Record your reasoning as you go with the `note` tool: kind "hypothesis" before each experiment \
                (what you expect and why), kind "finding" for what a tool showed, kind "conclusion" at the end. \
                The user replays this session (`thaw replay`) as a postmortem; notes are what make it readable.

                1. Identify. `list_processes` (match the command or pid): runtime and exact version, and whether thaw \
                can attach. If any tool refuses, call `doctor` with pid %1$d and follow its fix; do not guess.

                2. Look without touching. `snapshot` with pid %1$d, samples 3 to 5 and interval_ms about 200. It reads \
                every thread's stack from outside; it works even when every thread is blocked, and costs the target \
                nothing. Threads whose stack is the same in every sample are stuck. Read what each stuck thread waits \
                for and who holds it; a cycle in the wait-for graph is a deadlock. Compare with the code at the lines \
                shown before forming a hypothesis.

                3. Ask the runtime (JVM targets). The agent-less diagnostics (thread dump with lock owners and deadlock \
                detection, class histogram, VM info) run no code in the target; see `list_diagnostics`.

                4. Inject only if 1 to 3 cannot answer the question. Prefer a vetted catalog diagnostic \
                (`list_diagnostics`); write a custom script with `inject_script` only when no entry fits, and pass \
                `hypothesis` saying what you expect to learn. Approval policy of this server: %3$s (%4$s).%5$s \
                Read long outputs with `read_output`. If a script stays pending, the status says what the armed thread \
                waits on: that is itself a finding.

                5. Conclude: name the threads, the locks and the code lines involved, explain the interleaving that \
                hangs, and propose a fix. Record it with `note` kind "conclusion".

                Keep the target intact: never kill or signal it, and do not retry a script the user declined; explain \
                instead why you need it.""".formatted(pid, facts, policy.cliName(), policy.meaning(), policyHint());
    }

    private String policyHint() {
        return switch (policy) {
            case AUTO -> " Nobody is asked, so be deliberate: every script is still recorded.";
            case CUSTOM -> " A custom script makes the user confirm it; a catalog entry does not.";
            case ALWAYS -> " Every injection makes the user confirm it: batch your questions into few injections.";
            case DENY_CUSTOM -> " Custom scripts are refused: use catalog entries only.";
        };
    }
}
