package dev.thaw.mcp.view;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A list of ids written as ranges a model reads at a glance: {@code 12-40,51} for consecutive ids and
 * {@code 1001-1999/2} for every second one (threads started in turns by two kinds of work get
 * alternating ids). At most {@link #MAX_ITEMS} items, then {@code +N more}.
 */
public final class IdRanges {

    static final int MAX_ITEMS = 40;

    private IdRanges() {
    }

    public static String of(List<Long> ids) {
        List<Long> s = new ArrayList<>(new TreeSet<>(ids));
        List<String> items = new ArrayList<>();
        int i = 0;
        while (i < s.size() && items.size() < MAX_ITEMS) {
            int j = i;
            long step = 1;
            if (i + 1 < s.size()) {
                step = s.get(i + 1) - s.get(i);
                j = i + 1;
                while (j + 1 < s.size() && s.get(j + 1) - s.get(j) == step) {
                    j++;
                }
                if (step != 1 && j - i < 2) {
                    j = i; // two ids with a gap read better as "a,b"
                }
            }
            items.add(j == i ? String.valueOf(s.get(i)) : s.get(i) + "-" + s.get(j) + (step == 1 ? "" : "/" + step));
            i = j + 1;
        }
        String out = String.join(",", items);
        return i < s.size() ? out + ",+" + (s.size() - i) + " more" : out;
    }
}
