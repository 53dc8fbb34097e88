package dev.thaw.cli;

import dev.thaw.ThawException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Turns failures into a one-paragraph explanation on stderr; the stack trace goes to the log file only. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof ThawException te) {
            cmd.getErr().println("thaw: " + te.explain());
            return 1;
        }
        LoggerFactory.getLogger(ErrorHandler.class).error("unexpected failure in {}", cmd.getCommandName(), ex);
        cmd.getErr().println("thaw: internal error: " + ex + " (details in the log file, see `thaw --help`)");
        return 70;
    }
}
