package dev.thaw.mcp.view;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thread names of a group, compressed: names that differ only in a trailing number become one
 * pattern ({@code pool-1-thread-{1-200}}, numbers as {@link IdRanges}); at most {@link #MAX} patterns,
 * then {@code +N more names}.
 */
public final class NamePatterns {

    static final int MAX = 6;

    private NamePatterns() {
    }

    public static List<String> of(List<String> names) {
        Map<String, List<Long>> numbered = new LinkedHashMap<>();
        Map<String, Integer> plain = new LinkedHashMap<>();
        for (String n : names) {
            if (n == null || n.isEmpty()) {
                continue;
            }
            int k = n.length();
            while (k > 0 && Character.isDigit(n.charAt(k - 1))) {
                k--;
            }
            int digits = n.length() - k;
            // Leading zeros or very long numbers are not counters: keep such names as they are.
            if (digits == 0 || digits > 9 || (digits > 1 && n.charAt(k) == '0')) {
                plain.merge(n, 1, Integer::sum);
            } else {
                numbered.computeIfAbsent(n.substring(0, k), p -> new ArrayList<>()).add(Long.parseLong(n.substring(k)));
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : numbered.entrySet()) {
            List<Long> nums = e.getValue();
            out.add(nums.size() == 1 ? e.getKey() + nums.get(0) : e.getKey() + "{" + IdRanges.of(nums) + "}");
        }
        for (Map.Entry<String, Integer> e : plain.entrySet()) {
            out.add(e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue());
        }
        if (out.size() > MAX) {
            int more = out.size() - MAX;
            List<String> cut = new ArrayList<>(out.subList(0, MAX));
            cut.add("+" + more + " more names");
            return cut;
        }
        return out;
    }
}
