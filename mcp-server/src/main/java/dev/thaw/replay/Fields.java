package dev.thaw.replay;

import java.util.List;
import java.util.Map;

/**
 * Lenient typed access to a JSON object read from a log: a wrong or missing field yields null,
 * never an exception, because a postmortem of a damaged log must still render.
 */
public record Fields(Map<String, Object> raw) {

    public Fields {
        raw = raw == null ? Map.of() : raw;
    }

    public static Fields of(Object value) {
        return new Fields(asMap(value));
    }

    public String str(String key) {
        Object v = raw.get(key);
        return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    public Long num(String key) {
        Object v = raw.get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public Double dbl(String key) {
        return raw.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    public Boolean bool(String key) {
        return raw.get(key) instanceof Boolean b ? b : null;
    }

    public Fields obj(String key) {
        return new Fields(asMap(raw.get(key)));
    }

    public boolean has(String key) {
        return raw.get(key) != null;
    }

    public Object get(String key) {
        return raw.get(key);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String key) {
        return raw.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    public List<Fields> objects(String key) {
        return list(key).stream().filter(o -> o instanceof Map).map(Fields::of).toList();
    }

    public List<String> strings(String key) {
        return list(key).stream().filter(o -> o != null).map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
