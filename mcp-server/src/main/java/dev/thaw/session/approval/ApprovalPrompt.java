package dev.thaw.session.approval;

import dev.thaw.Json;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.RecordedTarget;

/**
 * The text a person reads before confirming an injection: the target, exactly what will run (or the
 * catalog id and parameters), and the hash that the session log will show next to the decision.
 */
public final class ApprovalPrompt {

    /** The whole script is shown up to this size; a longer one is cut and the prompt says so. */
    static final int MAX_SCRIPT_CHARS = 32 * 1024;

    private ApprovalPrompt() {
    }

    public static String message(RecordedInjectionRequest r, ApprovalPolicy policy) {
        RecordedTarget t = r.target();
        StringBuilder sb = new StringBuilder();
        sb.append("thaw wants to run a ").append(r.describe()).append(" inside a live process.\n\n");
        if (t != null) {
            sb.append("Target: pid ").append(t.pid());
            if (t.runtime() != null) {
                sb.append(", ").append(t.runtime()).append(t.runtimeVersion() == null ? "" : " " + t.runtimeVersion());
            }
            sb.append(", started ").append(t.startTime()).append('\n');
            sb.append("Command: ").append(t.command()).append('\n');
        }
        if (r.thread() != null || r.mode() != null) {
            sb.append("Thread: ").append(r.thread() == null ? "auto" : r.thread())
                    .append(r.mode() == null ? "" : ", mode " + r.mode()).append('\n');
        }
        if (r.hypothesis() != null && !r.hypothesis().isBlank()) {
            sb.append("Why: ").append(r.hypothesis()).append('\n');
        }
        if (r.isCatalogEntry()) {
            sb.append("Catalog entry: ").append(r.catalogId()).append('\n');
        }
        if (!r.params().isEmpty()) {
            sb.append("Parameters: ").append(Json.write(r.params())).append('\n');
        }
        sb.append("SHA-256: ").append(r.sha256()).append('\n');
        // The probe kit's line (a vetted catalog resource, read-only) is folded to its version and sha256:
        // what the person reads and judges is the script's own code.
        String script = dev.thaw.catalog.PythonKit.fold(r.script());
        sb.append("\n").append(ScriptEffects.summary(script, r.language())).append('\n');
        sb.append("Script (").append(script.length()).append(" characters):\n");
        if (script.length() > MAX_SCRIPT_CHARS) {
            sb.append(script, 0, MAX_SCRIPT_CHARS)
                    .append("\n…[").append(script.length() - MAX_SCRIPT_CHARS)
                    .append(" more characters not shown; the full text is in the session log under this SHA-256]\n");
        } else {
            sb.append(script).append(script.endsWith("\n") ? "" : "\n");
        }
        sb.append("\nApproval policy: ").append(policy.cliName()).append(" (").append(policy.meaning()).append(").");
        return sb.toString();
    }
}
