package dev.thaw.mcp;

import dev.thaw.catalog.CatalogSources;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.replay.LogReader;
import dev.thaw.replay.ReplayBuilder;
import dev.thaw.report.MarkdownReport;
import dev.thaw.report.ReportOptions;
import dev.thaw.session.SessionLog;
import dev.thaw.session.SessionRecorder;
import dev.thaw.StateDirs;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The MCP resources of thaw: the current session log and its postmortem, past session logs and theirs
 * (by name, through templates), an index of the logs, and the catalog's source files. Read-only views
 * of files thaw wrote or shipped; names from the client never leave their directory.
 */
public final class SessionResources {

    public static final String CURRENT = "thaw://session/current";
    public static final String CURRENT_REPORT = "thaw://session/current/report";
    public static final String INDEX = "thaw://sessions";
    public static final String LOG_TEMPLATE = "thaw://sessions/{name}";
    public static final String REPORT_TEMPLATE = "thaw://reports/{name}";
    public static final String CATALOG_INDEX = "thaw://catalog";
    public static final String CATALOG_PREFIX = "thaw://catalog/";

    /** A log bigger than this is served cut at a record boundary (stdio messages are limited to 16 MiB). */
    static final int MAX_LOG_BYTES = 8 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final SessionRecorder recorder;
    private final CatalogSources catalog;
    private final Path sessionsDir;

    public SessionResources(SessionRecorder recorder, CatalogSources catalog) {
        this.recorder = recorder;
        this.catalog = catalog;
        this.sessionsDir = recorder.log().file().toAbsolutePath().getParent();
    }

    public List<SyncResourceSpecification> resources() {
        List<SyncResourceSpecification> list = new ArrayList<>();
        list.add(new SyncResourceSpecification(McpSchema.Resource.builder(CURRENT, "current-session-log")
                .title("Current session log")
                .description("This server's session log (JSONL, one record per line: calls, notes, injections with "
                        + "their full scripts, approvals, statuses, outputs). Format: docs/session-log.md.")
                .mimeType("application/jsonl").build(),
                (ex, req) -> log(ex, req.uri(), recorder.log().file())));
        list.add(new SyncResourceSpecification(McpSchema.Resource.builder(CURRENT_REPORT, "current-session-report")
                .title("Current session postmortem")
                .description("The current session rendered as a Markdown postmortem, as `thaw replay` prints it.")
                .mimeType("text/markdown").build(),
                (ex, req) -> report(ex, req.uri(), recorder.log().file())));
        list.add(new SyncResourceSpecification(McpSchema.Resource.builder(INDEX, "session-logs")
                .title("Session logs")
                .description("Index of the session logs on this machine (name, size, last change), newest first. "
                        + "Read one with thaw://sessions/{name}, its postmortem with thaw://reports/{name}.")
                .mimeType("application/json").build(),
                (ex, req) -> index(ex, req.uri())));
        list.add(new SyncResourceSpecification(McpSchema.Resource.builder(CATALOG_INDEX, "catalog")
                .title("Diagnostics catalog sources")
                .description("The files of the vetted diagnostics catalog shipped with this thaw; each is a resource "
                        + "thaw://catalog/PATH.")
                .mimeType("application/json").build(),
                (ex, req) -> catalogIndex(req.uri())));
        for (String path : catalog.list()) {
            list.add(new SyncResourceSpecification(McpSchema.Resource.builder(CATALOG_PREFIX + path, "catalog/" + path)
                    .title("Catalog: " + path).mimeType(CatalogSources.mimeType(path)).build(),
                    (ex, req) -> catalogFile(req.uri(), path)));
        }
        return list;
    }

    public List<SyncResourceTemplateSpecification> templates() {
        return List.of(
                new SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder(LOG_TEMPLATE, "session-log")
                        .title("A session log")
                        .description("A session log by name (see thaw://sessions), JSONL.")
                        .mimeType("application/jsonl").build(),
                        (ex, req) -> log(ex, req.uri(), byName(req.uri(), "thaw://sessions/"))),
                new SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder(REPORT_TEMPLATE, "session-report")
                        .title("A session postmortem")
                        .description("A session log by name rendered as a Markdown postmortem.")
                        .mimeType("text/markdown").build(),
                        (ex, req) -> report(ex, req.uri(), byName(req.uri(), "thaw://reports/"))));
    }

    private Path byName(String uri, String prefix) {
        String name = uri.startsWith(prefix) ? uri.substring(prefix.length()) : "";
        if (name.endsWith(SessionLog.EXTENSION)) {
            name = name.substring(0, name.length() - SessionLog.EXTENSION.length());
        }
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw notFound(uri, "'" + name + "' is not a session name", "Take a name from " + INDEX + ".");
        }
        Path p = sessionsDir.resolve(name + SessionLog.EXTENSION);
        if (!Files.isRegularFile(p)) {
            throw notFound(uri, "no session log named '" + name + "'", "Take a name from " + INDEX + ".");
        }
        return p;
    }

    private ReadResourceResult log(McpSyncServerExchange ex, String uri, Path file) {
        started(ex);
        byte[] data;
        boolean cut = false;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            data = in.readNBytes(MAX_LOG_BYTES);
        } catch (IOException e) {
            throw notFound(uri, "cannot read " + file.getFileName() + ": " + e.getMessage(), "Check the file's permissions.");
        }
        if (size > data.length) {
            int end = data.length;
            while (end > 0 && data[end - 1] != '\n') {
                end--;
            }
            data = java.util.Arrays.copyOf(data, end);
            cut = true;
        }
        TextResourceContents.Builder b = TextResourceContents.builder(uri, new String(data, StandardCharsets.UTF_8))
                .mimeType("application/jsonl");
        if (cut) {
            b.meta(Map.of("truncated", true, "bytes", size, "shownBytes", data.length,
                    "fix", "read the postmortem (thaw://reports/{name}) or run `thaw replay` on " + file));
        }
        return ReadResourceResult.builder(List.of(b.build())).build();
    }

    private ReadResourceResult report(McpSyncServerExchange ex, String uri, Path file) {
        started(ex);
        try {
            String md = MarkdownReport.render(ReplayBuilder.build(LogReader.read(file)), ReportOptions.defaults());
            return ReadResourceResult.builder(List.of(TextResourceContents.builder(uri, md).mimeType("text/markdown").build()))
                    .build();
        } catch (ThawException e) {
            throw notFound(uri, e.getMessage(), e.fix());
        }
    }

    private ReadResourceResult index(McpSyncServerExchange ex, String uri) {
        started(ex);
        List<Map<String, Object>> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(sessionsDir)) {
            files.filter(p -> p.getFileName().toString().endsWith(SessionLog.EXTENSION))
                    .sorted(java.util.Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .forEach(p -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        String name = SessionLog.stem(p);
                        m.put("name", name);
                        m.put("uri", "thaw://sessions/" + name);
                        m.put("report", "thaw://reports/" + name);
                        m.put("current", p.equals(recorder.log().file().toAbsolutePath()));
                        try {
                            m.put("bytes", Files.size(p));
                            m.put("modified", Files.getLastModifiedTime(p).toInstant().toString());
                        } catch (IOException ignored) {
                            // listed without size
                        }
                        logs.add(m);
                    });
        } catch (IOException e) {
            throw notFound(uri, "cannot list " + sessionsDir + ": " + e.getMessage(), "Check the directory's permissions.");
        }
        return json(uri, Map.of("directory", StateDirs.sessions().toString(), "sessions", logs));
    }

    private ReadResourceResult catalogIndex(String uri) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (String p : catalog.list()) {
            files.add(Map.of("path", p, "uri", CATALOG_PREFIX + p, "mimeType", CatalogSources.mimeType(p)));
        }
        return json(uri, Map.of("files", files));
    }

    private ReadResourceResult catalogFile(String uri, String path) {
        String text = catalog.read(path).orElseThrow(() -> notFound(uri, "catalog file " + path + " is not readable",
                "List the catalog with " + CATALOG_INDEX + "."));
        return ReadResourceResult.builder(List.of(TextResourceContents.builder(uri, text)
                .mimeType(CatalogSources.mimeType(path)).build())).build();
    }

    private static ReadResourceResult json(String uri, Object value) {
        return ReadResourceResult.builder(List.of(TextResourceContents.builder(uri, Json.write(value))
                .mimeType("application/json").build())).build();
    }

    private void started(McpSyncServerExchange ex) {
        SessionStarts.begin(recorder, ex);
    }

    private static McpError notFound(String uri, String why, String fix) {
        return McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
                .message("Resource " + uri + ": " + why + "." + (fix == null ? "" : " Fix: " + fix))
                .data(Map.of("uri", uri)).build();
    }
}
