package dev.thaw.report;

/**
 * How much a report shows.
 *
 * @param maxOutputBytes  bytes of each injection's output shown (the log has all of it)
 * @param maxScriptLines  lines of each script shown inside its collapsed block
 */
public record ReportOptions(int maxOutputBytes, int maxScriptLines) {

    public static final int DEFAULT_MAX_OUTPUT = 8 * 1024;

    public static ReportOptions defaults() {
        return new ReportOptions(DEFAULT_MAX_OUTPUT, 400);
    }
}
