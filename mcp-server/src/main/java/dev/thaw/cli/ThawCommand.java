package dev.thaw.cli;

import dev.thaw.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: the subcommands are the operations, each a thin face over one implementation. */
@Command(name = "thaw",
        mixinStandardHelpOptions = true,
        versionProvider = ThawCommand.Version.class,
        description = {
            "Ask a frozen process what it is doing: look inside live, possibly stuck, Python 3.14+ and JVM processes "
                + "on Linux. `thaw serve` is the MCP server for Claude Code and other MCP clients; the other commands "
                + "are the same operations for a terminal."},
        subcommands = {
            ServeCommand.class,
            PsCommand.class,
            StacksCommand.class,
            JvmCommand.class,
            DoctorCommand.class,
            InjectCommand.class,
            DiagnosticsCommand.class,
            DemoCommand.class,
            ReplayCommand.class,
            ImageCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Logs: $XDG_STATE_HOME/thaw/logs/thaw.log; session logs: $XDG_STATE_HOME/thaw/sessions/",
            "($XDG_STATE_HOME defaults to ~/.local/state)."})
public final class ThawCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ThawCommand());
        cli.setOut(Stdout.writer());
        // No colours: the output stream shows escape characters visibly (TerminalSafeStream).
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setErr(new java.io.PrintWriter(System.err, true));
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"thaw " + BuildInfo.version()};
        }
    }
}
