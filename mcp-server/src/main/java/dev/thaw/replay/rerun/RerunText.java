package dev.thaw.replay.rerun;

/** The re-run report as Markdown, for the terminal. */
public final class RerunText {

    private RerunText() {
    }

    public static String render(RerunReport r) {
        StringBuilder sb = new StringBuilder("# thaw re-run\n\n");
        sb.append("- **Original session:** `").append(r.log()).append("`\n");
        sb.append("- **New process:** ").append(r.target().label()).append(", `").append(r.target().command()).append("`\n");
        sb.append("- **Approval policy:** `").append(r.policy()).append("`\n");
        sb.append("- **Re-run recorded in:** `").append(r.newLog()).append("`\n\n");
        sb.append("| # | injection | script | before | after | verdict | why |\n|---:|---|---|---|---|---|---|\n");
        int n = 0;
        for (RerunReport.Item i : r.items()) {
            n++;
            sb.append("| ").append(n).append(" | `").append(i.originalId()).append("` | ").append(i.what())
                    .append(" (").append(i.sha256() == null ? "?" : i.sha256().substring(0, Math.min(12, i.sha256().length())))
                    .append("…) | ").append(nz(i.oldStatus())).append(" | ").append(nz(i.newStatus())).append(" | **")
                    .append(verdict(i.outcome())).append("** | ").append(nz(i.why()).replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        long changed = r.changed();
        sb.append('\n').append(changed == 0 ? "No injection's output changed." : changed + " injection(s) changed output.")
                .append('\n');
        return sb.toString();
    }

    static String verdict(RerunReport.Outcome o) {
        return switch (o) {
            case SAME -> "unchanged";
            case SAME_MODULO_IDS -> "unchanged (ids/addresses differ)";
            case CHANGED -> "CHANGED";
            case SKIPPED -> "skipped";
            case REFUSED -> "refused";
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
