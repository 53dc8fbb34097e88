package dev.thaw.mcp;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error contract of every tool, owned by {@link ToolDispatcher}: a refusal reaches the client as
 * {@code {"error": {code, message, fix}}} plus the same words as text; anything unexpected becomes
 * {@code internal_error} without a stack trace; each call is in the session log before the tool runs and
 * with its outcome before the reply leaves; nothing runs that could not be recorded. The tools here are
 * plain implementations of {@link ThawTool}; the dispatcher, the arguments, the recorder and the log
 * file are the real ones.
 */
class ToolDispatcherTest {

    @TempDir
    Path dir;

    @Test
    void anAnswerCarriesTheViewForTheModelAndTheLogKeepsTheFullRecord() throws IOException {
        SessionRecorder recorder = recorder();
        List<String> logWhenToolRan = new ArrayList<>();
        ThawTool snapshot = tool("snapshot", (args, ctx) -> {
            logWhenToolRan.addAll(types(recorder.log().file()));
            return new ToolOutcome(Map.of("full", "record", "pid", args.requireInt("pid")), "text answer", "1 thread",
                    Map.of("view", "for the model"));
        });

        CallToolResult r = new ToolDispatcher(recorder).dispatch(snapshot, context(), call("snapshot", Map.of("pid", 42)));

        assertThat(r.isError()).isFalse();
        assertThat(r.structuredContent()).isEqualTo(Map.of("view", "for the model"));
        assertThat(text(r)).isEqualTo("text answer");
        assertThat(logWhenToolRan).as("written before the tool ran").containsExactly("session_start", "tool_call_started");
        Map<String, Object> done = last(recorder.log().file());
        assertThat(done).containsEntry("type", "tool_call").containsEntry("tool", "snapshot").containsEntry("ok", true)
                .containsEntry("summary", "1 thread").doesNotContainKey("error");
        assertThat(String.valueOf(done.get("result"))).contains("record").doesNotContain("for the model");
    }

    @Test
    void aRefusalBecomesAToolErrorWithCodeMessageAndFixAndIsLogged() throws IOException {
        SessionRecorder recorder = recorder();
        ThawTool refusing = tool("doctor", (args, ctx) -> {
            throw new ThawException(ErrorCode.PROCESS_GONE, "Process 4242 does not exist.", "Use a current pid.");
        });

        CallToolResult r = new ToolDispatcher(recorder).dispatch(refusing, context(), call("doctor", Map.of("pid", 4242)));

        assertThat(r.isError()).isTrue();
        assertThat(error(r)).containsExactly(Map.entry("code", "process_gone"),
                Map.entry("message", "Process 4242 does not exist."), Map.entry("fix", "Use a current pid."));
        assertThat(text(r)).isEqualTo("Process 4242 does not exist.\nFix: Use a current pid.");
        assertThat(last(recorder.log().file())).containsEntry("ok", false).containsEntry("error", "process_gone")
                .containsEntry("errorMessage", "Process 4242 does not exist.").containsEntry("fix", "Use a current pid.")
                .containsEntry("summary", "Process 4242 does not exist.");
    }

    @Test
    void aRefusalWithoutItsOwnFixCarriesTheCodesDefaultFix() {
        ThawTool refusing = tool("read_output", (args, ctx) -> {
            throw new ThawException(ErrorCode.UNKNOWN_INJECTION, "No injection inj9 in this server session.", null);
        });

        CallToolResult r = new ToolDispatcher(null).dispatch(refusing, context(), call("read_output", Map.of()));

        assertThat(error(r)).containsEntry("code", "unknown_injection")
                .containsEntry("fix", ErrorCode.UNKNOWN_INJECTION.defaultFix());
        assertThat(text(r)).endsWith("\nFix: " + ErrorCode.UNKNOWN_INJECTION.defaultFix());
    }

    @Test
    void argumentsThatDoNotFitAreRefusedNamingTheArgumentBeforeTheToolActs() {
        AtomicBoolean acted = new AtomicBoolean();
        ThawTool needsPid = tool("snapshot", (args, ctx) -> {
            int pid = args.requireInt("pid");
            boolean locals = args.optionalBoolean("locals", false);
            acted.set(true);
            return new ToolOutcome(Map.of("pid", pid, "locals", locals), "ok", "ok");
        });
        ToolDispatcher dispatcher = new ToolDispatcher(null);

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of(), Map.of("pid", "abc"), Map.of("pid", 1.5),
                Map.of("pid", 99_999_999_999L), Map.of("pid", 7, "locals", "yes"))) {
            CallToolResult r = dispatcher.dispatch(needsPid, context(), call("snapshot", bad));
            assertThat(r.isError()).as(bad.toString()).isTrue();
            assertThat(error(r)).as(bad.toString()).containsEntry("code", "invalid_argument");
            assertThat((String) error(r).get("message")).as(bad.toString()).containsAnyOf("'pid'", "'locals'");
            assertThat((String) error(r).get("fix")).as(bad.toString()).contains("input schema");
        }
        assertThat(acted).isFalse();
        // A pid sent as a string of digits is taken: clients differ in how they encode numbers.
        assertThat(dispatcher.dispatch(needsPid, context(), call("snapshot", Map.of("pid", "7"))).isError()).isFalse();
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorWithoutAStackTraceAndTheServerKeepsWorking() throws IOException {
        SessionRecorder recorder = recorder();
        ToolDispatcher dispatcher = new ToolDispatcher(recorder);
        ThawTool buggy = tool("list_processes", (args, ctx) -> {
            throw new IllegalStateException("index 3 out of bounds");
        });

        CallToolResult r = dispatcher.dispatch(buggy, context(), call("list_processes", Map.of()));

        assertThat(r.isError()).isTrue();
        assertThat(error(r)).containsEntry("code", "internal_error");
        assertThat((String) error(r).get("message"))
                .isEqualTo("thaw hit an internal error running list_processes: IllegalStateException: index 3 out of bounds.");
        assertThat((String) error(r).get("fix")).contains("bug in thaw").contains("Other tools keep working");
        assertNoStackTrace(r);
        assertThat(last(recorder.log().file())).containsEntry("ok", false).containsEntry("error", "internal_error");

        CallToolResult next = dispatcher.dispatch(tool("note", (args, ctx) -> new ToolOutcome(Map.of("n", 1), "noted", "noted")),
                context(), call("note", Map.of()));
        assertThat(next.isError()).isFalse();
    }

    @Test
    void anErrorThrownByATool_aStackOverflowOrAClassThatFailedToLoad_isAnInternalErrorToo() throws IOException {
        SessionRecorder recorder = recorder();
        ToolDispatcher dispatcher = new ToolDispatcher(recorder);
        for (Error thrown : List.of(new StackOverflowError(), new NoClassDefFoundError("dev/thaw/Missing"))) {
            CallToolResult r = dispatcher.dispatch(tool("snapshot", (args, ctx) -> {
                throw thrown;
            }), context(), call("snapshot", Map.of()));
            assertThat(r.isError()).as(thrown.toString()).isTrue();
            assertThat(error(r)).as(thrown.toString()).containsEntry("code", "internal_error");
            assertThat((String) error(r).get("message")).contains(thrown.getClass().getSimpleName());
            assertNoStackTrace(r);
            assertThat(last(recorder.log().file())).as("the call is closed in the log")
                    .containsEntry("type", "tool_call").containsEntry("error", "internal_error");
        }
    }

    @Test
    void whenTheSessionLogCannotBeWrittenNothingRuns() {
        // /dev/full takes the open and fails every write with ENOSPC: a log on a full disk.
        SessionRecorder full = new SessionRecorder(SessionLog.open(Path.of("/dev/full")), Map.of("server", "thaw"));
        AtomicBoolean ran = new AtomicBoolean();
        ThawTool inject = tool("inject_script", (args, ctx) -> {
            ran.set(true);
            return new ToolOutcome(Map.of(), "ran", "ran");
        });

        CallToolResult r = new ToolDispatcher(full).dispatch(inject, context(), call("inject_script", Map.of("pid", 1)));

        assertThat(ran).as("nothing runs that could not be recorded").isFalse();
        assertThat(r.isError()).isTrue();
        assertThat(error(r)).containsEntry("code", "session_log_unwritable");
        assertThat((String) error(r).get("message")).contains("/dev/full").endsWith(" Nothing was done.");
        assertThat(error(r)).containsKey("fix");
    }

    @Test
    void whenTheOutcomeCannotBeRecordedTheReplySaysTheToolRan() {
        SessionRecorder recorder = recorder();
        // The log stops taking records while the tool runs (the disk filled up, the file was closed).
        ThawTool closesTheLog = tool("inject_script", (args, ctx) -> {
            recorder.log().close();
            return new ToolOutcome(Map.of("state", "completed"), "completed", "completed");
        });

        CallToolResult r = new ToolDispatcher(recorder).dispatch(closesTheLog, context(), call("inject_script", Map.of()));

        assertThat(r.isError()).isTrue();
        assertThat(error(r)).containsEntry("code", "session_log_unwritable");
        assertThat((String) error(r).get("message")).startsWith("inject_script ran, but its result could not be recorded: ");
    }

    @Test
    void theSdkHandlerIsTheSameDispatch() {
        ThawTool refusing = tool("doctor", (args, ctx) -> {
            throw new ThawException(ErrorCode.KERNEL_THREAD, "Process 2 (kthreadd) is a kernel thread.", null);
        });

        var spec = new ToolDispatcher(null).specification(refusing);
        CallToolResult r = spec.callHandler().apply(null, call("doctor", Map.of("pid", 2)));

        assertThat(spec.tool().name()).isEqualTo("doctor");
        assertThat(error(r)).containsEntry("code", "kernel_thread").containsEntry("fix", ErrorCode.KERNEL_THREAD.defaultFix());
    }

    // --- helpers

    private SessionRecorder recorder() {
        return new SessionRecorder(SessionLog.open(dir.resolve("session.jsonl")), Map.of("server", "thaw"));
    }

    private static ThawTool tool(String name, BiFunction<ToolArguments, ToolContext, ToolOutcome> body) {
        McpSchema.Tool definition = McpSchema.Tool.builder(name, Map.of("type", "object")).build();
        return new ThawTool() {
            @Override
            public McpSchema.Tool definition() {
                return definition;
            }

            @Override
            public ToolOutcome call(ToolArguments args, ToolContext context) {
                return body.apply(args, context);
            }
        };
    }

    private static ToolContext context() {
        return new ToolContext(null, null);
    }

    private static CallToolRequest call(String tool, Map<String, Object> args) {
        return CallToolRequest.builder(tool).arguments(args).build();
    }

    private static String text(CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(CallToolResult r) {
        return (Map<String, Object>) ((Map<String, Object>) r.structuredContent()).get("error");
    }

    private static void assertNoStackTrace(CallToolResult r) {
        String all = text(r) + " " + r.structuredContent();
        assertThat(all).doesNotContain("\tat ").doesNotContain("at dev.thaw").doesNotContain("at java.")
                .doesNotContain("ToolDispatcherTest");
    }

    private static List<String> types(Path log) {
        return records(log).stream().map(m -> String.valueOf(m.get("type"))).toList();
    }

    private static Map<String, Object> last(Path log) {
        List<Map<String, Object>> all = records(log);
        return all.get(all.size() - 1);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(Path log) {
        try {
            return Files.readAllLines(log).stream().map(l -> (Map<String, Object>) Json.mapper().readValue(l, Map.class)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
