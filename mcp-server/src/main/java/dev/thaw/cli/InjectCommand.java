package dev.thaw.cli;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.app.Services;
import dev.thaw.ThawException;
import dev.thaw.catalog.Catalog;
import dev.thaw.catalog.ScriptSource;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.InjectionText;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ThreadChoice;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code thaw inject PID --file FILE | --code CODE}: the same operation as the {@code inject_script}
 * tool. The script's output goes to stdout, everything about the injection to stderr.
 */
@Command(name = "inject", header = "Run a catalog diagnostic or a script inside a live Python or JVM process.",
        mixinStandardHelpOptions = true,
        description = {"Run a catalog diagnostic (--diagnostic, see `thaw diagnostics`), a Python script inside a live",
            "CPython 3.14/3.15 process, or a Java probe inside a HotSpot JVM, and print its output.",
            "Same operation as the MCP tool inject_script. Exit status: 0 completed, 1 failed, 2 timed out",
            "or undeliverable (no thread can run it within the timeout), 3 the target exited (or the injection",
            "was cancelled)."})
public final class InjectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PID", description = "The target process.")
    int pid;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The script to run ('-' for stdin).")
        String file;

        @Option(names = {"-c", "--code"}, paramLabel = "CODE", description = "The script to run, inline.")
        String code;

        @Option(names = {"-d", "--diagnostic"}, paramLabel = "ID",
                description = "A catalog diagnostic to run (see `thaw diagnostics`), with --param values checked against its schema.")
        String diagnostic;
    }

    @Option(names = {"-l", "--language"}, paramLabel = "python|java",
            description = "The language of --file/--code (default: the target's runtime decides).")
    String language;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "A value for the script's `params` dict (repeatable). VALUE is JSON when it parses as JSON, else a string.")
    List<String> params = List.of();

    @Option(names = {"-t", "--thread"}, paramLabel = "auto|main|TID", defaultValue = "auto",
            description = "Which thread picks the script up (default ${DEFAULT-VALUE}).")
    String thread;

    @Option(names = {"-m", "--mode"}, paramLabel = "thread|inline", defaultValue = "thread",
            description = "thread: on its own OS thread (default); inline: on the interrupted thread.")
    String mode;

    @Option(names = {"--timeout"}, paramLabel = "SECONDS",
            description = "How long to wait for the result (default 10, or the diagnostic's own default).")
    Double timeout;

    @Option(names = {"--hypothesis"}, paramLabel = "TEXT", description = "What you expect to learn (recorded).")
    String hypothesis;

    @Option(names = {"--output-cap"}, paramLabel = "BYTES", description = "Output kept at most (default 4 MiB).")
    Long outputCap;

    @Option(names = "--json", description = "Print the structured result (as inject_script returns it) instead of the output.")
    boolean json;

    @Override
    public Integer call() {
        if (timeout != null && !(timeout >= 0.1 && timeout <= 3600)) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "--timeout must be between 0.1 and 3600 seconds.", null);
        }
        ScriptSource script = source.diagnostic != null
                ? ScriptSource.diagnostic(Catalog.system(), source.diagnostic, params(), language)
                : ScriptSource.custom(script(), params(), language);
        InjectionRequest request = script.request(pid, ThreadChoice.parse(thread), InjectionMode.parse(mode),
                timeout == null ? null : Duration.ofMillis(Math.round(timeout * 1000)), hypothesis,
                outputCap == null ? InjectionRequest.DEFAULT_OUTPUT_CAP : outputCap);
        java.io.PrintWriter err = spec.commandLine().getErr();
        InjectionService injections = new Services().injections();
        InjectionResult r = injections.inject(request, (elapsedMs, timeoutMs, message) ->
                err.printf("thaw: %.0f/%.0f s: %s%n", elapsedMs / 1000, timeoutMs / 1000, message).flush());
        PrintStream out = Stdout.stream();
        if (json) {
            out.print(Json.write(r) + "\n");
        } else {
            out.print(r.output());
            long offset = r.nextOffset();
            // The whole output, not just the preview: a terminal pages by itself.
            while (r.more() && offset < r.outputBytes()) {
                OutputPage page = injections.readOutput(r.injectionId(), offset, InjectionService.MAX_PAGE_BYTES, Duration.ZERO);
                out.print(page.text());
                if (page.nextOffset() <= offset) {
                    break;
                }
                offset = page.nextOffset();
            }
            out.flush();
            err.print(statusLines(r));
            err.flush();
        }
        return switch (r.state()) {
            case "completed" -> 0;
            case "failed" -> 1;
            case "timed_out", "undeliverable" -> 2;
            default -> 3;
        };
    }

    /** Everything but the output, for stderr. */
    private static String statusLines(InjectionResult r) {
        String text = InjectionText.render(new InjectionResult(r.injectionId(), r.pid(), r.state(), r.delivered(),
                r.mode(), r.armedTids(), r.deliveredTid(), r.scriptTid(), r.elapsedMs(), r.scriptMs(), "", 0, false,
                r.nextOffset(), r.truncated(), r.droppedBytes(), r.error(), r.errorType(), r.traceback(), r.exitCode(),
                r.pending(), r.sha256(), r.notes(), r.timings(), r.verdicts()));
        String truncated = r.truncated() ? "output truncated at the cap: " + r.droppedBytes() + " bytes dropped\n" : "";
        return text.lines().map(l -> "thaw: " + l + "\n").reduce("", String::concat) + (truncated.isEmpty() ? "" : "thaw: " + truncated);
    }

    private String script() {
        if (source.code != null) {
            return source.code;
        }
        try {
            return source.file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(source.file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.SCRIPT_UNREADABLE, "Cannot read the script " + source.file + ": " + e.getMessage(),
                    "Pass a readable file with --file, or the code itself with --code.", e);
        }
    }

    private Map<String, Object> params() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ThawException(ErrorCode.INVALID_ARGUMENT, "--param must be KEY=VALUE, got \"" + p + "\".", null);
            }
            String value = p.substring(eq + 1);
            Object parsed;
            try {
                parsed = Json.mapper().readValue(value, Object.class);
            } catch (RuntimeException e) {
                parsed = value;
            }
            out.put(p.substring(0, eq), parsed);
        }
        return out;
    }
}
