// thaw-diagnostic
// {
//   "id": "jvm.class_histogram",
//   "runtime": "hotspot",
//   "title": "Class histogram: which classes fill the heap",
//   "question": "Which classes have the most bytes (and instances) on the heap, and how much is there in total?",
//   "params": {
//     "type": "object",
//     "properties": {
//       "top": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 30, "description": "classes to show, by bytes"},
//       "live": {"type": "boolean", "default": false, "description": "count only reachable objects: forces a full stop-the-world GC first"},
//       "match": {"type": "string", "default": "", "description": "show only classes whose name contains this text (totals stay whole-heap)"}
//     },
//     "additionalProperties": false
//   },
//   "mutating": false,
//   "cost": "a stop-the-world walk of the whole heap, proportional to its size; with live: true a full GC before it. Changes nothing else",
//   "timeout_s": 60
// }
// The DiagnosticCommand MBean's gcClassHistogram (the same as `jcmd PID GC.class_histogram`), with -all
// (every object, reachable or not, and no forced GC) unless live is true. The JVM's table is parsed and
// re-rendered compactly: arrays as Java types ([B -> byte[]), sizes readable, the rest summed up.
// The agent-less jvm_diagnostic tool gives the same numbers without loading anything into the JVM.
import dev.thaw.agent.Kit;
import dev.thaw.agent.Probe;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;

public class ClassHistogram implements Probe {

    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+):\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^\\s*Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    @Override
    public void run(Map<String, String> params, PrintWriter out) throws Exception {
        int top = 30;
        try {
            top = Math.max(1, (int) Double.parseDouble(String.valueOf(params.get("top"))));
        } catch (NumberFormatException e) {
            // keep the default
        }
        boolean live = "true".equalsIgnoreCase(String.valueOf(params.get("live")));
        String match = params.get("match") == null ? "" : params.get("match");

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName dcmd = new ObjectName("com.sun.management:type=DiagnosticCommand");
        String[] args = live ? new String[0] : new String[] {"-all"};
        long t0 = System.nanoTime();
        String text = (String) server.invoke(dcmd, "gcClassHistogram", new Object[] {args},
                new String[] {String[].class.getName()});
        long ms = (System.nanoTime() - t0) / 1000000;

        List<String[]> rows = new ArrayList<String[]>();
        long totalInstances = -1;
        long totalBytes = -1;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new String[] {m.group(2), m.group(3), javaName(m.group(4))});
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.matches()) {
                totalInstances = Long.parseLong(t.group(1));
                totalBytes = Long.parseLong(t.group(2));
            }
        }
        if (rows.isEmpty()) {
            out.println("The JVM's histogram had no rows I could read; its text follows (cut at 4000 chars):");
            out.println(text.length() > 4000 ? text.substring(0, 4000) : text);
            Kit.report(out, "the histogram could not be read");
            return;
        }
        out.println("Class histogram of " + (live ? "reachable objects (after a forced full GC)"
                : "all objects, reachable or not (no GC forced)") + ", taken in " + ms + " ms: "
                + (totalInstances < 0 ? "?" : count(totalInstances)) + " instances, "
                + (totalBytes < 0 ? "?" : bytes(totalBytes)) + ", " + count(rows.size()) + " classes.");
        if (!match.isEmpty()) {
            out.println("Only classes whose name contains \"" + match + "\":");
        }
        out.println(String.format(Locale.ROOT, "%6s %13s %10s  %s", "rank", "instances", "bytes", "class"));
        long restInstances = 0;
        long restBytes = 0;
        int rest = 0;
        int shown = 0;
        int matched = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            if (!match.isEmpty() && !r[2].contains(match)) {
                continue;
            }
            matched++;
            if (shown < top) {
                out.println(String.format(Locale.ROOT, "%6d %13s %10s  %s", i + 1, count(Long.parseLong(r[0])),
                        bytes(Long.parseLong(r[1])), r[2]));
                shown++;
            } else {
                rest++;
                restInstances += Long.parseLong(r[0]);
                restBytes += Long.parseLong(r[1]);
            }
        }
        if (rest > 0) {
            out.println("  the other " + count(rest) + (match.isEmpty() ? "" : " matching") + " classes: "
                    + count(restInstances) + " instances, " + bytes(restBytes));
        }
        if (!match.isEmpty() && matched == 0) {
            out.println("  no class name contains \"" + match + "\"");
        }
        // One histogram shows what fills the heap, never why nor whether it grows: no verdict is drawn.
        String[] first = rows.get(0);
        Kit.report(out, "one histogram tells which classes fill the heap (the largest: " + first[2] + ", "
                + bytes(Long.parseLong(first[1])) + (totalBytes > 0 ? String.format(Locale.ROOT, ", %.0f%% of it",
                100.0 * Long.parseLong(first[1]) / totalBytes) : "") + "), not whether they leak: run it again minutes"
                + " later (live: true) and look for a class that only grows");
    }

    /** [B -> byte[], [[Ljava.lang.String; -> java.lang.String[][]; other names unchanged. */
    static String javaName(String n) {
        int dims = 0;
        while (dims < n.length() && n.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0 || dims == n.length()) {
            return n;
        }
        String base;
        String rest = n.substring(dims);
        switch (rest.charAt(0)) {
            case 'Z': base = "boolean"; break;
            case 'B': base = "byte"; break;
            case 'C': base = "char"; break;
            case 'S': base = "short"; break;
            case 'I': base = "int"; break;
            case 'J': base = "long"; break;
            case 'F': base = "float"; break;
            case 'D': base = "double"; break;
            case 'L': base = rest.endsWith(";") ? rest.substring(1, rest.length() - 1) : rest.substring(1); break;
            default: return n;
        }
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i < dims; i++) {
            sb.append("[]");
        }
        return sb.toString();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
