package dev.thaw.jvm.diag;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.attach.AttachClient;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent-less JVM diagnostics (rung 2 of the ladder): jcmd-style commands over the attach
 * socket. No code enters the target and no JEP 451 warning is printed. Only class_histogram with
 * {@code live=true} changes anything: it makes the JVM run a full, stop-the-world GC first.
 */
public final class JvmDiagnostics {

    public static final List<String> COMMANDS = List.of("class_histogram", "system_properties", "vm_flags", "vm_info",
            "heap_info");
    public static final int DEFAULT_TOP = 25;
    public static final int MAX_TOP = 1000;
    static final int MAX_TEXT = 64 * 1024;

    private final ProcFs proc;
    private final AttachClients attach;

    public JvmDiagnostics(AttachClients attach) {
        this.proc = attach.proc();
        this.attach = attach;
    }

    public JvmDiagnostic run(int pid, String command, boolean live, Integer top) {
        String cmd = command == null ? "" : command.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!COMMANDS.contains(cmd)) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "Unknown JVM diagnostic \"" + command + "\".",
                    "Use one of " + String.join(", ", COMMANDS) + ".");
        }
        int n = top == null ? DEFAULT_TOP : top;
        if (n < 1 || n > MAX_TOP) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "top must be between 1 and " + MAX_TOP + ", got " + n + ".",
                    "Use the default (" + DEFAULT_TOP + ").");
        }
        if (live && !cmd.equals("class_histogram")) {
            throw new ThawException(ErrorCode.INVALID_ARGUMENT, "live applies to class_histogram only.",
                    "Leave live out for " + cmd + ".");
        }
        if (!proc.exists(pid)) {
            throw new ProcessGoneException(pid);
        }
        AttachClient c = attach.to(pid);
        long t0 = System.nanoTime();
        return switch (cmd) {
            case "class_histogram" -> {
                String text = c.classHistogram(live);
                yield new JvmDiagnostic(pid, cmd, live ? "GC.class_histogram" : "GC.class_histogram -all", live,
                        ClassHistogram.parse(text, n, live), null, null, null, null, ms(t0));
            }
            case "system_properties" -> {
                Map<String, String> props = c.systemProperties();
                yield new JvmDiagnostic(pid, cmd, "VM.system_properties", false, null, props, null, null, null, ms(t0));
            }
            case "vm_flags" -> {
                List<String> flags = Arrays.stream(c.vmFlags().trim().split("\\s+")).filter(f -> !f.isEmpty()).toList();
                yield new JvmDiagnostic(pid, cmd, "VM.flags", false, null, null, flags, null, null, ms(t0));
            }
            case "vm_info" -> text(pid, cmd, "VM.info", c.vmInfo(), t0);
            default -> text(pid, cmd, "GC.heap_info", c.heapInfo(), t0);
        };
    }

    private static JvmDiagnostic text(int pid, String cmd, String jcmd, String text, long t0) {
        boolean cut = text.length() > MAX_TEXT;
        return new JvmDiagnostic(pid, cmd, jcmd, false, null, null, null, cut ? text.substring(0, MAX_TEXT) : text,
                cut, ms(t0));
    }

    private static double ms(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e4) / 100.0;
    }
}
