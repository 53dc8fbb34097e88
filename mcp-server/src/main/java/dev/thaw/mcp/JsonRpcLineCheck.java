package dev.thaw.mcp;

import dev.thaw.Json;
import io.modelcontextprotocol.json.McpJsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether one stdin line is a JSON-RPC 2.0 message the MCP SDK can take, and if not, which
 * error the JSON-RPC specification prescribes. The SDK's stdio transport stops reading for good at
 * the first line it cannot turn into a message (an empty line, {@code {not json}}, {@code []},
 * {@code 3}, an object without {@code method}, a request whose id is null or a float), so every
 * shape its record constructors refuse is refused here first, with:
 * <ul>
 *   <li>-32700 parse error, id null: the line is not JSON (an empty line included);</li>
 *   <li>-32600 invalid request: JSON that is not a request, notification or response; the id is the
 *       message's own when it is a valid one (a string or an integer), null otherwise;</li>
 *   <li>-32602 invalid params: params given as an array (MCP params are objects);</li>
 *   <li>a batch (a JSON array, removed from MCP in 2025-06-18) gets one -32600 per element that
 *       expects an answer, as an array, as JSON-RPC 2.0 answers batches; an empty array, one -32600.</li>
 * </ul>
 * Parsing uses the SDK's own mapper, so a line accepted here is parsed the same way by the SDK.
 */
final class JsonRpcLineCheck {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INVALID_PARAMS = -32602;

    /**
     * What to do with a line: hand it to the SDK ({@code error == null}), or drop it and write
     * {@code error} (nothing when empty: a batch of notifications only gets no answer).
     */
    record Verdict(String error, String method) {
        static final Verdict SILENT = new Verdict("", null);

        Verdict(String error) {
            this(error, null);
        }

        /** A message the SDK can take; {@code method} is null for a response. */
        static Verdict pass(Object message) {
            return new Verdict(null, message instanceof Map<?, ?> m && m.get("method") instanceof String s ? s : null);
        }

        boolean passes() {
            return error == null;
        }
    }

    private final McpJsonMapper json;

    JsonRpcLineCheck(McpJsonMapper json) {
        this.json = json;
    }

    Verdict check(String line) {
        Object parsed;
        try {
            parsed = json.readValue(line, Object.class);
        } catch (Exception | StackOverflowError e) {
            return new Verdict(error(null, PARSE_ERROR, "Parse error: the line is not JSON ("
                    + (line.isBlank() ? "empty line" : firstLine(rootCause(e).getMessage()))
                    + "). Send one JSON-RPC message per line."));
        }
        if (parsed instanceof List<?> batch) {
            return batch(batch);
        }
        String problem = problem(parsed);
        if (problem == null) {
            return Verdict.pass(parsed);
        }
        return new Verdict(problemResponse(parsed, problem));
    }

    /** An error response for a message too long to read; its id cannot be known. */
    String tooLong(long limit) {
        return error(null, INVALID_REQUEST, "Invalid Request: the message is longer than " + limit
                + " bytes and was discarded.");
    }

    private Verdict batch(List<?> batch) {
        if (batch.isEmpty()) {
            return new Verdict(error(null, INVALID_REQUEST, "Invalid Request: an empty batch."));
        }
        List<String> answers = new ArrayList<>();
        for (Object element : batch) {
            // Notifications in a batch get no answer; everything else is refused with its own id.
            boolean notification = element instanceof Map<?, ?> m && m.containsKey("method") && !m.containsKey("id")
                    && problem(element) == null;
            if (!notification) {
                answers.add(error(validId(element), INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not"
                        + " supported by MCP (removed in protocol 2025-06-18); send one message per line."));
            }
        }
        return answers.isEmpty() ? Verdict.SILENT : new Verdict("[" + String.join(",", answers) + "]");
    }

    private String problemResponse(Object message, String problem) {
        int code = problem.startsWith("params") && message instanceof Map<?, ?> m && m.get("params") instanceof List<?>
                ? INVALID_PARAMS : INVALID_REQUEST;
        String kind = code == INVALID_PARAMS ? "Invalid params: " : "Invalid Request: ";
        return error(validId(message), code, kind + problem + ".");
    }

    /** Why the SDK could not take this message, or null when it can. */
    private static String problem(Object message) {
        if (!(message instanceof Map<?, ?> m)) {
            return "a JSON-RPC message is a JSON object, not " + describe(message);
        }
        if (!"2.0".equals(m.get("jsonrpc"))) {
            return "\"jsonrpc\" must be \"2.0\"";
        }
        if (m.containsKey("id") && !isValidId(m.get("id"))) {
            return "\"id\" must be a string or an integer (MCP allows no null id)";
        }
        if (m.containsKey("method")) {
            if (!(m.get("method") instanceof String)) {
                return "\"method\" must be a string";
            }
            Object params = m.get("params");
            if (params != null && !(params instanceof Map)) {
                return "params must be a JSON object";
            }
            if (m.containsKey("params") && params == null) {
                return "params must be a JSON object, not null";
            }
            return null;
        }
        boolean result = m.containsKey("result");
        boolean error = m.containsKey("error");
        if (!result && !error) {
            return "the message has no \"method\" (nor the \"result\" or \"error\" of a response)";
        }
        if (!m.containsKey("id")) {
            return "a response needs the \"id\" of the request it answers";
        }
        if (result && error) {
            return "a response has either \"result\" or \"error\", not both";
        }
        if (result && m.get("result") == null) {
            return "\"result\" must not be null";
        }
        if (error && !(m.get("error") instanceof Map<?, ?> e && isInt(e.get("code")) && e.get("message") instanceof String)) {
            return "\"error\" must be an object with an integer \"code\" and a string \"message\"";
        }
        return null;
    }

    private static Object validId(Object message) {
        if (message instanceof Map<?, ?> m && isValidId(m.get("id"))) {
            return m.get("id");
        }
        return null;
    }

    /** The SDK's records accept String, Integer and Long ids only. */
    private static boolean isValidId(Object id) {
        return id instanceof String || id instanceof Integer || id instanceof Long;
    }

    private static boolean isInt(Object value) {
        return value instanceof Integer;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof Number ? "a number" : value.getClass().getSimpleName();
    }

    private String error(Object id, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (id == null ? "null" : Json.write(id))
                + ",\"error\":{\"code\":" + code + ",\"message\":" + Json.write(message) + "}}";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String first = message.lines().findFirst().orElse("unreadable");
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }
}
