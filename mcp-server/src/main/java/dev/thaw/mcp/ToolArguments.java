package dev.thaw.mcp;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.util.Map;

/**
 * Typed access to a tool call's arguments. The SDK validates calls against the input schema first;
 * this second line of defence turns anything that still does not fit into a tool error that names the
 * argument and says what was expected, never an exception trace.
 */
public final class ToolArguments {

    private final Map<String, Object> raw;

    public ToolArguments(Map<String, Object> raw) {
        this.raw = raw == null ? Map.of() : raw;
    }

    public Map<String, Object> raw() {
        return raw;
    }

    public boolean has(String name) {
        return raw.get(name) != null;
    }

    public int requireInt(String name) {
        Integer v = optionalInt(name, null);
        if (v == null) {
            throw invalid(name, "is required");
        }
        return v;
    }

    public Integer optionalInt(String name, Integer fallback) {
        Object v = raw.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.longValue() <= Integer.MAX_VALUE && n.longValue() >= Integer.MIN_VALUE) {
            return n.intValue();
        }
        if (v instanceof String s && s.matches("-?\\d{1,10}")) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
        }
        throw invalid(name, "must be an integer, got " + describe(v));
    }

    public String optionalString(String name, String fallback) {
        Object v = raw.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw invalid(name, "must be a string, got " + describe(v));
    }

    public boolean optionalBoolean(String name, boolean fallback) {
        Object v = raw.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(name, "must be true or false, got " + describe(v));
    }

    public static ThawException invalid(String name, String why) {
        return new ThawException(ErrorCode.INVALID_ARGUMENT, "Argument '" + name + "' " + why + ".",
                "Call the tool again with a valid '" + name + "' (see the tool's input schema).");
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return (s.length() > 40 ? s.substring(0, 40) + "…" : s) + " (" + v.getClass().getSimpleName() + ")";
    }
}
