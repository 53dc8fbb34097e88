package dev.thaw.process;

/** The compact text rendering of a process listing, shared by {@code thaw ps} and {@code list_processes}. */
public final class ProcessListText {

    private ProcessListText() {
    }

    public static String render(ProcessListView view) {
        StringBuilder sb = new StringBuilder();
        if (view.processes().isEmpty()) {
            sb.append("No matching processes (").append(view.scanned()).append(" scanned).\n");
            sb.append("By default only Python and JVM processes are listed; pass runtime=all (CLI: --all) for every process.\n");
            if (view.hint() != null) {
                sb.append(view.hint()).append('\n');
            }
            return sb.toString();
        }
        int pidWidth = 5;
        int userWidth = 4;
        int runtimeWidth = 7;
        for (ProcessInfo p : view.processes()) {
            pidWidth = Math.max(pidWidth, Integer.toString(p.pid()).length());
            userWidth = Math.max(userWidth, Math.min(12, p.user().length()));
            runtimeWidth = Math.max(runtimeWidth, p.runtime().label().length());
        }
        String fmt = "%" + pidWidth + "s  %-" + userWidth + "s  %-" + runtimeWidth + "s  %-6s  %s%n";
        sb.append(String.format(fmt, "PID", "USER", "RUNTIME", "ATTACH", "COMMAND"));
        for (ProcessInfo p : view.processes()) {
            String user = p.user().length() > 12 ? p.user().substring(0, 12) : p.user();
            String command = p.command().length() > 100 ? p.command().substring(0, 99) + "…" : p.command();
            sb.append(String.format(fmt, p.pid(), user, p.runtime().label(), p.attachable() ? "yes" : "no", command));
            String indent = " ".repeat(pidWidth + 2);
            if (p.container() != null) {
                sb.append(indent).append("container: ").append(p.container().summary()).append('\n');
            }
            if (p.runtime().detail() != null) {
                sb.append(indent).append("note: ").append(p.runtime().detail()).append('\n');
            }
            if (!p.attachable() && p.reason() != null && !p.runtime().isNone()) {
                sb.append(indent).append("not attachable: ").append(p.reason()).append('\n');
            }
        }
        if (view.omitted() > 0) {
            sb.append("… ").append(view.omitted()).append(" more not shown; narrow with match, user or runtime, or raise limit.\n");
        }
        return sb.toString();
    }

    public static String summary(ProcessListView view) {
        long py = view.processes().stream().filter(p -> p.runtime().kind().equals(RuntimeInfo.CPYTHON)).count();
        long jvm = view.processes().stream().filter(p -> p.runtime().kind().equals(RuntimeInfo.HOTSPOT)).count();
        return view.total() + " processes (" + py + " cpython, " + jvm + " hotspot shown)";
    }
}
