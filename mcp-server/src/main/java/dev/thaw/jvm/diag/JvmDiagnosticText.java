package dev.thaw.jvm.diag;

import java.util.Locale;
import java.util.Map;

/** The compact text rendering of a {@link JvmDiagnostic}, for terminals and model contexts. */
public final class JvmDiagnosticText {

    private JvmDiagnosticText() {
    }

    public static String render(JvmDiagnostic d) {
        StringBuilder sb = new StringBuilder();
        sb.append("JVM ").append(d.pid()).append(' ').append(d.command()).append(" (`jcmd ").append(d.pid()).append(' ')
                .append(d.jcmd()).append("`, ").append(d.elapsedMs()).append(" ms)");
        if (d.forcedGc()) {
            sb.append(" — forced a full GC first (live objects only)");
        }
        sb.append('\n');
        if (d.histogram() != null) {
            ClassHistogram h = d.histogram();
            sb.append(String.format(Locale.ROOT, "%,d instances, %s in %,d classes%s; top %d by bytes:%n",
                    h.totalInstances(), bytes(h.totalBytes()), h.classes(),
                    h.liveOnly() ? " (live)" : " (all objects, no GC: includes garbage)", h.top().size()));
            for (ClassHistogram.Entry e : h.top()) {
                double pct = h.totalBytes() == 0 ? 0 : 100.0 * e.bytes() / h.totalBytes();
                sb.append(String.format(Locale.ROOT, "%10s %5.1f%% %,12d  %s%n", bytes(e.bytes()), pct, e.instances(),
                        e.className()));
            }
        }
        if (d.properties() != null) {
            for (Map.Entry<String, String> e : d.properties().entrySet()) {
                String v = e.getValue().replace("\n", "\\n");
                sb.append(e.getKey()).append('=').append(v.length() > 300 ? v.substring(0, 300) + "…" : v).append('\n');
            }
        }
        if (d.flags() != null) {
            d.flags().forEach(f -> sb.append(f).append('\n'));
        }
        if (d.text() != null) {
            sb.append(d.text().stripTrailing()).append('\n');
            if (Boolean.TRUE.equals(d.truncated())) {
                sb.append("… cut at ").append(JvmDiagnostics.MAX_TEXT).append(" characters; run `jcmd ").append(d.pid())
                        .append(' ').append(d.jcmd()).append("` for all of it.\n");
            }
        }
        return sb.toString();
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        double v = b;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
