package dev.thaw.process;

import java.util.List;

/** The text rendering of a doctor report, shared by {@code thaw doctor} and the {@code doctor} tool. */
public final class DoctorText {

    private DoctorText() {
    }

    public static String render(DoctorReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append("Environment\n");
        appendChecks(sb, report.environment());
        if (report.target() != null) {
            ProcessInfo p = report.target();
            sb.append("\nProcess ").append(p.pid()).append(" (").append(p.user()).append(", ")
                    .append(p.runtime().label()).append("): ").append(p.command()).append('\n');
            appendChecks(sb, report.targetChecks());
        }
        sb.append('\n').append(report.verdict()).append('\n');
        return sb.toString();
    }

    private static void appendChecks(StringBuilder sb, List<Check> checks) {
        for (Check c : checks) {
            sb.append(String.format("  %-4s  %-22s %s%n", mark(c.status()), c.id(), c.detail()));
            if (c.fix() != null) {
                sb.append(String.format("        %-22s fix: %s%n", "", c.fix()));
            }
        }
    }

    private static String mark(String status) {
        return switch (status) {
            case "pass" -> "ok";
            case "fail" -> "FAIL";
            case "warn" -> "warn";
            default -> "--";
        };
    }
}
