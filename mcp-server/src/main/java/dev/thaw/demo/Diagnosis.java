package dev.thaw.demo;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The loop an assistant runs against a hung process, as MCP calls: find it, snapshot it (three
 * samples), list the diagnostics that fit, run the play's catalog diagnostics. The demo prints it;
 * the end-to-end tests assert on it — one sequence, so the demo shows exactly what the tests prove.
 */
public final class Diagnosis {

    /** Hears each call before it is made and its result after. */
    public interface Listener {
        void calling(int step, String title, String tool, Map<String, Object> args);

        void answered(String label, McpSchema.CallToolResult result);
    }

    /**
     * @param results  every call's result by label: list_processes, snapshot, list_diagnostics, then each
     *                 diagnostic's id
     * @param evidence the texts a diagnosis may cite (the snapshot and the diagnostics' results, not the
     *                 process list, whose command lines may contain the scenario's own source)
     */
    public record Outcome(Map<String, McpSchema.CallToolResult> results, Map<String, String> evidence) {
    }

    private Diagnosis() {
    }

    public static Outcome run(McpSyncClient client, Playbook play, int pid, Listener listener) {
        Map<String, McpSchema.CallToolResult> results = new LinkedHashMap<>();
        Map<String, String> evidence = new LinkedHashMap<>();
        int n = 1;

        Map<String, Object> find = Map.of("match", play.scenario());
        listener.calling(n++, "Find the process", "list_processes", find);
        results.put("list_processes", call(client, "list_processes", find, listener, "list_processes"));

        Map<String, Object> snap = Map.of("pid", pid, "samples", 3, "interval_ms", 300);
        listener.calling(n++, "Look without touching: every thread's stack, read from outside, three times", "snapshot", snap);
        McpSchema.CallToolResult snapshot = call(client, "snapshot", snap, listener, "snapshot");
        results.put("snapshot", snapshot);
        evidence.put("snapshot", text(snapshot));

        if (!play.diagnostics().isEmpty()) {
            Map<String, Object> which = Map.of("pid", pid);
            listener.calling(n++, "Which vetted diagnostics fit this process?", "list_diagnostics", which);
            results.put("list_diagnostics", call(client, "list_diagnostics", which, listener, "list_diagnostics"));
        }
        for (Playbook.Step d : play.diagnostics()) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("pid", pid);
            args.put("diagnostic", d.diagnostic());
            if (!d.params().isEmpty()) {
                args.put("params", d.params());
            }
            args.put("timeout_s", d.timeoutS());
            args.put("hypothesis", "the snapshot raised a question " + d.diagnostic() + " answers");
            listener.calling(n++, d.undelivered() ? "Ask inside (it cannot work here, and thaw says why)"
                    : "Ask inside: run the catalog diagnostic " + d.diagnostic(), "inject_script", args);
            McpSchema.CallToolResult r = call(client, "inject_script", args, listener, d.diagnostic());
            results.put(d.diagnostic(), r);
            evidence.put(d.diagnostic(), text(r));
        }
        return new Outcome(results, evidence);
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args,
                                                 Listener listener, String label) {
        McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
        listener.answered(label, r);
        return r;
    }

    /** The text content a model reads. */
    public static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }
}
