package dev.thaw.jvm.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code GC.class_histogram}: the classes with the most bytes, and the totals.
 *
 * @param top            the first {@code top} classes by bytes
 * @param classes        classes in the histogram
 * @param totalInstances all instances
 * @param totalBytes     all bytes (shallow sizes)
 * @param liveOnly       counted after a full GC (live objects only) rather than everything in the heap
 */
public record ClassHistogram(List<Entry> top, int classes, long totalInstances, long totalBytes, boolean liveOnly) {

    /**
     * @param rank      position in the JVM's list (1 = most bytes)
     * @param instances instances of the class
     * @param bytes     their shallow size
     * @param className as the JVM prints it ({@code [B}, {@code java.lang.String})
     * @param module    {@code java.base@17.0.15}, or null for classes outside named modules / JDK 8
     */
    public record Entry(int rank, long instances, long bytes, String className, String module) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+):\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\((.+)\\))?\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    public static ClassHistogram parse(String text, int top, boolean liveOnly) {
        List<Entry> all = new ArrayList<>();
        long instances = 0;
        long bytes = 0;
        boolean total = false;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                all.add(new Entry(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        m.group(4), m.group(5)));
                continue;
            }
            Matcher t = TOTAL.matcher(line.strip());
            if (t.matches()) {
                instances = Long.parseLong(t.group(1));
                bytes = Long.parseLong(t.group(2));
                total = true;
            }
        }
        if (!total) {
            instances = all.stream().mapToLong(Entry::instances).sum();
            bytes = all.stream().mapToLong(Entry::bytes).sum();
        }
        all.sort(Comparator.comparingLong(Entry::bytes).reversed().thenComparingInt(Entry::rank));
        return new ClassHistogram(List.copyOf(all.subList(0, Math.min(top, all.size()))), all.size(), instances, bytes,
                liveOnly);
    }
}
