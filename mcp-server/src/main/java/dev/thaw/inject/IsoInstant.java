package dev.thaw.inject;

import java.time.Instant;

/**
 * {@code Instant.now().toString()} (ISO-8601, UTC, the fraction in groups of three digits, none when
 * zero), without running the date formatter on every call: the date and time of day are formatted
 * once per second. Every injection stamps its record and each state change; on the way to the
 * answer this code mostly runs interpreted.
 */
final class IsoInstant {

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private record Cached(long second, String prefix) {
    }

    private IsoInstant() {
    }

    static String now() {
        return format(Instant.now());
    }

    static String format(Instant t) {
        long second = t.getEpochSecond();
        Cached c = cached;
        if (c.second() != second) {
            String whole = Instant.ofEpochSecond(second).toString(); // "...:SSZ", no fraction
            c = new Cached(second, whole.substring(0, whole.length() - 1));
            cached = c;
        }
        int nano = t.getNano();
        if (nano == 0) {
            return c.prefix() + "Z";
        }
        StringBuilder sb = new StringBuilder(c.prefix().length() + 11).append(c.prefix()).append('.');
        int digits;
        int value;
        if (nano % 1_000_000 == 0) {
            digits = 3;
            value = nano / 1_000_000;
        } else if (nano % 1_000 == 0) {
            digits = 6;
            value = nano / 1_000;
        } else {
            digits = 9;
            value = nano;
        }
        String v = Integer.toString(value);
        for (int i = v.length(); i < digits; i++) {
            sb.append('0');
        }
        return sb.append(v).append('Z').toString();
    }
}
