package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JSON values as Python source literals, so the bootstrap can carry the script's {@code params}
 * without importing {@code json} in the target. Strings are escaped to ASCII; numbers, booleans,
 * null, lists and maps map one to one.
 */
final class PythonLiteral {

    private static final int MAX_DEPTH = 64;

    private PythonLiteral() {
    }

    static String of(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "params nest deeper than " + MAX_DEPTH + " levels.",
                    "Pass flatter params.");
        }
        if (v == null) {
            sb.append("None");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "True" : "False");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                sb.append("float('nan')");
            } else if (Double.isInfinite(d)) {
                sb.append(d > 0 ? "float('inf')" : "float('-inf')");
            } else {
                sb.append(v instanceof BigDecimal bd ? bd.toString() : Double.toString(d));
            }
        } else if (v instanceof Number n) {
            sb.append(n.toString());
        } else if (v instanceof CharSequence s) {
            string(sb, s.toString());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                append(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, l.get(i), depth + 1);
            }
            sb.append(']');
        } else {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "params hold a value thaw cannot pass to Python: "
                    + v.getClass().getSimpleName() + ".", "Use JSON values only (objects, arrays, strings, numbers, "
                    + "booleans, null).");
        }
    }

    /** A Python str literal in pure ASCII: printable ASCII as is, everything else escaped. */
    static void string(StringBuilder sb, String s) {
        sb.append('\'');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\\') {
                sb.append("\\\\");
            } else if (cp == '\'') {
                sb.append("\\'");
            } else if (cp >= 0x20 && cp < 0x7f) {
                sb.append((char) cp);
            } else if (cp < 0x100) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        }
        sb.append('\'');
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder();
        string(sb, s);
        return sb.toString();
    }
}
