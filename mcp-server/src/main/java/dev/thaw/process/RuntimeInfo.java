package dev.thaw.process;

/**
 * Which runtime a process runs, as read from the process itself.
 *
 * @param kind         {@code cpython}, {@code hotspot} or {@code none}
 * @param version      exact version ("3.14.10", "17.0.15"); null when unknown
 * @param freeThreaded CPython only: a --disable-gil build; null for other runtimes
 * @param detail       one line the user should know (remote debugging disabled, attach listener up, ...)
 */
public record RuntimeInfo(String kind, String version, Boolean freeThreaded, String detail) {

    public static final String CPYTHON = "cpython";
    public static final String HOTSPOT = "hotspot";
    public static final String NONE = "none";

    public static RuntimeInfo none() {
        return new RuntimeInfo(NONE, null, null, null);
    }

    public boolean isNone() {
        return NONE.equals(kind);
    }

    /** "cpython 3.14.10", "hotspot 17.0.15", "-". */
    public String label() {
        if (isNone()) {
            return "-";
        }
        String v = version == null ? "?" : version;
        return kind + " " + v + (Boolean.TRUE.equals(freeThreaded) ? "t" : "");
    }
}
