package dev.thaw.mcp.view;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The map a model view is built in: a key whose value is unknown, empty or the default (null, "",
 * an empty list or map, {@code false}, a zero count where the key says so) is simply left out, so a
 * model never reads fields that carry nothing.
 */
public final class ViewMap extends LinkedHashMap<String, Object> {

    public ViewMap with(String key, Object value) {
        if (value == null || Boolean.FALSE.equals(value)
                || (value instanceof String s && s.isEmpty())
                || (value instanceof Collection<?> c && c.isEmpty())
                || (value instanceof Map<?, ?> m && m.isEmpty())) {
            return this;
        }
        put(key, value);
        return this;
    }

    /** A count, left out when zero. */
    public ViewMap count(String key, long n) {
        if (n != 0) {
            put(key, n);
        }
        return this;
    }

    /** A plain JSON tree (maps, lists, values) without its empty and default values, recursively. */
    public static Object compactValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            ViewMap out = new ViewMap();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.with(String.valueOf(e.getKey()), compactValue(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            java.util.List<Object> out = new java.util.ArrayList<>(c.size());
            for (Object o : c) {
                Object v = compactValue(o);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        return value;
    }

    public static Map<String, Object> compact(Map<String, Object> map) {
        return (ViewMap) compactValue(map);
    }

    /** Like {@link #compactValue} but keeps {@code false}: for records whose flags are facts (attachable). */
    @SuppressWarnings("unchecked")
    public static <T> T pruned(T value) {
        if (value instanceof Map<?, ?> m) {
            ViewMap out = new ViewMap();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = pruned(e.getValue());
                if (Boolean.FALSE.equals(v)) {
                    out.put(String.valueOf(e.getKey()), false);
                } else {
                    out.with(String.valueOf(e.getKey()), v);
                }
            }
            return (T) out;
        }
        if (value instanceof Collection<?> c) {
            java.util.List<Object> out = new java.util.ArrayList<>(c.size());
            for (Object o : c) {
                out.add(pruned(o));
            }
            return (T) out;
        }
        return value;
    }
}
