package dev.thaw.inject;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A reader for one flat JSON object (string keys; string, number, true, false and null values),
 * the shape of every {@code status.json} the target's library writes. Values come out as Jackson
 * would give them in a {@code Map}: Integer when the number fits, else Long; Double for fractions.
 * Anything else (nesting, huge numbers, bad syntax) returns null, and the caller asks Jackson,
 * which decides what is valid.
 */
final class FlatJson {

    private final byte[] b;
    private int i;

    private FlatJson(byte[] b) {
        this.b = b;
    }

    /** The object, or null when the input is not a flat object this reader handles. */
    static Map<String, Object> parse(byte[] json) {
        try {
            return new FlatJson(json).object();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new HashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            i++;
            return end(m);
        }
        while (true) {
            skipSpace();
            expect('"');
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = value();
            if (m.put(key, value) != null || m.size() > 64) {
                return null; // duplicate keys or an odd document: Jackson's call
            }
            skipSpace();
            byte c = next();
            if (c == '}') {
                return end(m);
            }
            if (c != ',') {
                return null;
            }
        }
    }

    private Map<String, Object> end(Map<String, Object> m) {
        skipSpace();
        return i == b.length ? m : null;
    }

    private Object value() {
        byte c = peek();
        switch (c) {
            case '"' -> {
                i++;
                return string();
            }
            case 't' -> {
                word("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                word("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                word("null");
                return null;
            }
            default -> {
                return number();
            }
        }
    }

    private String string() {
        StringBuilder sb = null;
        int start = i;
        while (true) {
            byte c = next();
            if (c == '"') {
                return sb == null ? new String(b, start, i - 1 - start, StandardCharsets.ISO_8859_1)
                        : sb.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character or non-ASCII byte in a string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder(new String(b, start, i - 1 - start, StandardCharsets.ISO_8859_1));
                }
                byte e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append((char) e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > b.length) {
                            throw new IllegalArgumentException("short \\u escape");
                        }
                        sb.append((char) Integer.parseInt(new String(b, i, 4, StandardCharsets.ISO_8859_1), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            } else if (sb != null) {
                sb.append((char) c);
            }
        }
    }

    private Number number() {
        int start = i;
        boolean fraction = false;
        if (peek() == '-') {
            i++;
        }
        while (i < b.length) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                fraction = true;
                i++;
            } else {
                break;
            }
        }
        String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        if (text.isEmpty() || text.equals("-")) {
            throw new IllegalArgumentException("not a value");
        }
        if (fraction) {
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d) || Double.isNaN(d)) {
                throw new IllegalArgumentException("out of range");
            }
            return d;
        }
        if (text.length() > 18 || text.startsWith("-0") && text.length() > 2
                || text.startsWith("0") && text.length() > 1) {
            throw new IllegalArgumentException("leading zero or too long: Jackson decides");
        }
        long v = Long.parseLong(text);
        if (v == (int) v) {
            return Integer.valueOf((int) v); // (not a ?: : that would widen it back to a Long)
        }
        return Long.valueOf(v);
    }

    private void word(String w) {
        for (int k = 0; k < w.length(); k++) {
            if (next() != w.charAt(k)) {
                throw new IllegalArgumentException("not " + w);
            }
        }
    }

    private void skipSpace() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected " + c);
        }
    }

    private byte peek() {
        if (i >= b.length) {
            throw new IllegalArgumentException("end of input");
        }
        return b[i];
    }

    private byte next() {
        if (i >= b.length) {
            throw new IllegalArgumentException("end of input");
        }
        return b[i++];
    }
}
