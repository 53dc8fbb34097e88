package dev.thaw.python.greenlet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The greenlets in the text of {@code gevent.util.format_run_info()}: each header line
 * ({@code <Greenlet "name" at 0x...: what>}, {@code <greenlet.greenlet object at 0x...>},
 * {@code <Hub ... at 0x...>}) and the "Running:" frames under it, turned innermost first.
 */
record GeventRunInfo(Map<String, Entry> greenlets) {

    record Entry(String id, String header, List<String> frames) {
    }

    private static final Pattern HEADER = Pattern.compile("^<(.*?) at (0x[0-9a-f]+)");
    private static final Pattern FILE = Pattern.compile("^File \"(.*)\", line (\\d+), in (.*)$");

    static GeventRunInfo parse(List<String> chunks) {
        List<String> lines = new ArrayList<>();
        for (String c : chunks) {
            lines.addAll(c.lines().toList());
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        int at = lines.indexOf("* Greenlets");
        String id = null;
        String header = null;
        List<String> frames = null;
        boolean running = false;
        for (int i = at + 1; i < lines.size(); i++) {
            String l = lines.get(i).replaceFirst("^[ :|+-]*", "");
            Matcher h = HEADER.matcher(l);
            if (h.find()) {
                if (id != null) {
                    out.put(id, new Entry(id, header, reversed(frames)));
                }
                id = h.group(2);
                header = l;
                frames = new ArrayList<>();
                running = false;
            } else if (l.startsWith("Running:")) {
                running = true;
            } else if (l.startsWith("Spawned at:") || l.startsWith("Parent:")) {
                running = false;
            } else if (running) {
                Matcher f = FILE.matcher(l);
                if (f.find()) {
                    frames.add(f.group(3) + ":" + f.group(2));
                }
            }
        }
        if (id != null) {
            out.put(id, new Entry(id, header, reversed(frames)));
        }
        return new GeventRunInfo(out);
    }

    private static List<String> reversed(List<String> frames) {
        List<String> r = new ArrayList<>(frames);
        java.util.Collections.reverse(r);
        return r;
    }
}
