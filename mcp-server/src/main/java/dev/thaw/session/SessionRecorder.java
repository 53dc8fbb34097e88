package dev.thaw.session;

import dev.thaw.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the typed records of a session onto its {@link SessionLog}. One instance per server run,
 * shared by the tool dispatcher, the note tool, the approval gate and the injection engine; every
 * method returns only once its record is on disk.
 */
public final class SessionRecorder implements InjectionJournal {

    /** Tools whose structured result the replay needs (stuck threads, wait-for graphs, statuses). */
    private static final Set<String> KEEPS_RESULT = Set.of("snapshot", "inject_script", "read_output");
    /** Arguments longer than this are cut in call records: the full script is in injection_queued. */
    static final int MAX_ARGUMENT_CHARS = 4096;

    private final SessionLog log;
    private final Map<String, Object> serverFacts;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param serverFacts what session_start says about the server (server, version, pid, java, policy,
     *                    ...), in order; the client is added when it is known
     */
    public SessionRecorder(SessionLog log, Map<String, Object> serverFacts) {
        this.log = log;
        this.serverFacts = new LinkedHashMap<>(serverFacts);
    }

    public SessionLog log() {
        return log;
    }

    public boolean isStarted() {
        return started.get();
    }

    /**
     * Writes session_start once, with the client's identity. The client introduces itself in the
     * initialize handshake, which the SDK answers without us, so this runs on the first request.
     * Returns true for the call that wrote it.
     */
    public boolean ensureStarted(ClientFacts client) {
        if (started.get()) {
            return false;
        }
        synchronized (this) {
            if (started.get()) {
                return false;
            }
            Map<String, Object> fields = new LinkedHashMap<>(serverFacts);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", client.name());
            c.put("version", client.version());
            c.put("elicitation", client.elicitation());
            fields.put("client", c);
            log.append(RecordTypes.SESSION_START, fields);
            started.set(true);
            return true;
        }
    }

    /** Records a call as it arrives; returns its call id for {@link #toolCallFinished}. */
    public long toolCallStarted(String tool, Map<String, Object> arguments) {
        long call = calls.incrementAndGet();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call", call);
        fields.put("tool", tool);
        fields.put("arguments", bounded(arguments == null ? Map.of() : arguments));
        log.append(RecordTypes.TOOL_CALL_STARTED, fields);
        return call;
    }

    /**
     * Records the end of a call before its reply leaves the server.
     *
     * @param error      null on success; else code, message and fix
     * @param structured the structuredContent, kept for the tools the replay renders
     */
    public void toolCallFinished(long call, String tool, Map<String, Object> arguments, String summary,
                                 ToolError error, Object structured, long durationMicros) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call", call);
        fields.put("tool", tool);
        fields.put("arguments", bounded(arguments == null ? Map.of() : arguments));
        fields.put("ok", error == null);
        fields.put("summary", summary);
        if (error != null) {
            fields.put("error", error.code());
            fields.put("errorMessage", error.message());
            if (error.fix() != null) {
                fields.put("fix", error.fix());
            }
        }
        fields.put("durationMs", durationMicros / 1000.0);
        if (error == null && structured != null && KEEPS_RESULT.contains(tool)) {
            fields.put("result", Payloads.json(structured, log));
        }
        log.append(RecordTypes.TOOL_CALL, fields);
    }

    /** A refusal as the call record keeps it. */
    public record ToolError(String code, String message, String fix) {
    }

    /** Records a note of the assistant; returns its sequence number. */
    public long note(String kind, String text) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", kind);
        fields.put("text", text);
        return log.append(RecordTypes.NOTE, fields);
    }

    @Override
    public void queued(RecordedInjectionRequest request) {
        log.appendRecord(RecordTypes.INJECTION_QUEUED, request);
    }

    @Override
    public void decided(RecordedApproval decision) {
        log.appendRecord(RecordTypes.APPROVAL, decision);
    }

    @Override
    public void status(String injectionId, String status, Map<String, Object> detail) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("injectionId", injectionId);
        fields.put("status", status);
        if (detail != null && !detail.isEmpty()) {
            fields.put("detail", Json.toMap(detail));
        }
        log.append(RecordTypes.INJECTION_STATUS, fields);
    }

    @Override
    public void output(String injectionId, long offset, byte[] data, boolean truncated, Map<String, Object> detail) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("injectionId", injectionId);
        fields.put("offset", offset);
        fields.put("truncated", truncated);
        if (detail != null && !detail.isEmpty()) {
            fields.put("detail", Json.toMap(detail));
        }
        fields.putAll(Payloads.bytes(data, log, "out"));
        log.append(RecordTypes.INJECTION_OUTPUT, fields);
    }

    /** Marks an orderly shutdown, then closes the log. Idempotent. */
    public void end(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            if (started.get()) {
                log.append(RecordTypes.SESSION_END, Map.of("reason", reason));
            }
        } catch (RuntimeException ignored) {
            // shutting down: nothing better to do than close
        } finally {
            log.close();
        }
    }

    @SuppressWarnings("unchecked")
    static Object bounded(Object value) {
        if (value instanceof String s && s.length() > MAX_ARGUMENT_CHARS) {
            return s.substring(0, MAX_ARGUMENT_CHARS) + "…[" + (s.length() - MAX_ARGUMENT_CHARS) + " more characters]";
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(k, bounded(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(SessionRecorder::bounded).toList();
        }
        return value;
    }
}
