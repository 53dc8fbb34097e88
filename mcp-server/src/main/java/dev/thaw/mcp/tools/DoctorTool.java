package dev.thaw.mcp.tools;

import dev.thaw.mcp.ThawTool;
import dev.thaw.mcp.ToolDefinitions;
import dev.thaw.mcp.ToolArguments;
import dev.thaw.mcp.ToolContext;
import dev.thaw.mcp.ToolOutcome;
import dev.thaw.mcp.view.ProcessesModel;
import dev.thaw.mcp.view.ViewMap;
import dev.thaw.process.Doctor;
import dev.thaw.process.DoctorReport;
import io.modelcontextprotocol.spec.McpSchema;

/** {@code doctor}: why thaw can or cannot work here, and with this process. */
public final class DoctorTool implements ThawTool {

    private final Doctor doctor;

    public DoctorTool(Doctor doctor) {
        this.doctor = doctor;
    }

    @Override
    public McpSchema.Tool definition() {
        return ToolDefinitions.readOnly("doctor", "Doctor",
                "Check whether thaw can work: the environment (Yama ptrace scope, CAP_SYS_PTRACE, uid) and, "
                        + "for a pid, every condition that decides whether snapshot and injection can work (same user, "
                        + "dumpable, CPython version supported, remote debugging enabled in the interpreter, JVM attach "
                        + "mechanism; for Python, whether a script would be delivered now: some thread can reach a safe "
                        + "point). Each check is pass/fail with the exact fix. Call it when another tool refuses.");
    }

    @Override
    public ToolOutcome call(ToolArguments args, ToolContext context) {
        DoctorReport report = args.has("pid") ? doctor.check(args.requireInt("pid")) : doctor.environmentOnly();
        ViewMap view = ProcessesModel.doctor(report);
        return new ToolOutcome(report, ProcessesModel.doctorText(view), report.verdict(), view);
    }
}
