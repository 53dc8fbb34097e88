package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

/** The process (or thread) exited, or never existed, while we were looking at it. */
public final class ProcessGoneException extends ThawException {

    public ProcessGoneException(int pid) {
        super(ErrorCode.PROCESS_GONE, "Process " + pid + " does not exist (it exited, or the pid is wrong).",
                "List the live processes with list_processes (CLI: thaw ps) and use a current pid."
                        + OwnContainer.sharingHint());
    }
}
