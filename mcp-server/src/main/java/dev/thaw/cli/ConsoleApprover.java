package dev.thaw.cli;

import dev.thaw.session.RecordedApproval;
import dev.thaw.session.RecordedInjectionRequest;
import dev.thaw.session.approval.Approver;

import java.io.Console;

/**
 * Asks on the terminal (for {@code thaw replay --rerun}): the same prompt as the MCP confirmation,
 * answered by typing {@code yes}. Without a terminal nobody can be asked, and the gate refuses.
 */
final class ConsoleApprover implements Approver {

    private final Console console = System.console();

    @Override
    public String unavailableReason() {
        return console == null ? "there is no terminal to ask on (stdin or stdout is not a terminal); pass --approve auto "
                + "to re-run without asking" : null;
    }

    @Override
    public Answer ask(RecordedInjectionRequest request, String message) {
        long t0 = System.nanoTime();
        console.writer().println();
        console.writer().println(message);
        String line = console.readLine("Run it? Type yes to run, anything else to skip: ");
        long waited = (System.nanoTime() - t0) / 1_000_000;
        if (line == null) {
            return new Answer(false, RecordedApproval.HOW_USER_CANCELLED, "end of input on the terminal", waited);
        }
        return "yes".equalsIgnoreCase(line.trim())
                ? new Answer(true, RecordedApproval.HOW_USER_ACCEPTED, "confirmed on the terminal", waited)
                : new Answer(false, RecordedApproval.HOW_USER_DECLINED, "declined on the terminal", waited);
    }
}
