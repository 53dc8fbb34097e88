package dev.thaw.jvm;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses HotSpot thread dump text ({@code Thread.print -l [-e]}, jstack, SIGQUIT) as printed by
 * JDK 17 to 25 into a {@link JvmThreadDump}. Line-oriented and forgiving: a line it does not
 * know is skipped, never fatal, because the dump format changes a little in every release.
 *
 * <p>Shapes handled (all seen in real JDK 17.0.15 and 25.0.3 dumps, or in HotSpot's format
 * strings):
 * <pre>
 * "name" #12 [24394] daemon prio=5 os_prio=0 cpu=.. elapsed=.. tid=0x.. nid=0x5f21 waiting for monitor entry  [0x..]
 * "VM Thread" os_prio=0 cpu=.. elapsed=.. tid=0x.. nid=24402 runnable
 *    java.lang.Thread.State: BLOCKED (on object monitor)
 * 	at pkg.Cls.m(File.java:73)
 * 	- waiting to lock | locked | waiting on | waiting to re-lock in wait() | parking to wait for | eliminated  &lt;0x..&gt; (a Cls)
 * 	- waiting on the Class initialization monitor for pkg.Cls      (JDK 21+)
 *    Locked ownable synchronizers:
 * 	- &lt;0x..&gt; (a java.util.concurrent.locks.ReentrantLock$NonfairSync)   or   - None
 * Found one Java-level deadlock: ... which is held by "T-B" ... Java stack information ...
 * </pre>
 */
public final class ThreadDumpParser {

    private ThreadDumpParser() {
    }

    public static JvmThreadDump parse(String text) {
        return new ThreadDumpParser.Run(text).parse();
    }

    /** One parse: mutable cursor state kept out of the public class. */
    private static final class Run {
        private final String text;
        private int pos;

        private String timestamp = "";
        private String vm = "";
        private final List<JvmThread> threads = new ArrayList<>();
        private final List<ReportedDeadlock> deadlocks = new ArrayList<>();

        // the thread being read
        private Header header;
        private Thread.State state;
        private String stateDetail = "";
        private List<JvmFrame> frames;
        private String frameText;
        private List<FrameLock> frameLocks;
        private List<LockRef> synchronizers;
        private boolean inSynchronizers;

        Run(String text) {
            this.text = text;
        }

        JvmThreadDump parse() {
            String line;
            boolean first = true;
            while ((line = nextLine()) != null) {
                if (first && !line.isBlank() && !line.startsWith("\"") && !line.startsWith("Full thread dump ")) {
                    timestamp = line.strip();
                    first = false;
                    continue;
                }
                first = false;
                if (line.startsWith("Full thread dump ")) {
                    vm = line.substring("Full thread dump ".length()).replaceAll(":$", "");
                } else if (line.startsWith("\"") && looksLikeHeader(line)) {
                    finishThread();
                    startThread(line);
                } else if (line.startsWith("Found one Java-level deadlock")) {
                    finishThread();
                    deadlocks.add(readDeadlock());
                } else if (header != null) {
                    threadLine(line);
                }
            }
            finishThread();
            return new JvmThreadDump(timestamp, vm, threads, deadlocks);
        }

        private String nextLine() {
            if (pos >= text.length()) {
                return null;
            }
            int nl = text.indexOf('\n', pos);
            if (nl < 0) {
                nl = text.length();
            }
            int end = nl > pos && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            String line = text.substring(pos, end);
            pos = nl + 1;
            return line;
        }

        private static boolean looksLikeHeader(String line) {
            int close = line.lastIndexOf('"');
            return close > 0 && line.indexOf(" tid=", close) > 0;
        }

        private void startThread(String line) {
            header = Header.parse(line);
            state = null;
            stateDetail = "";
            frames = new ArrayList<>();
            frameText = null;
            frameLocks = new ArrayList<>();
            synchronizers = new ArrayList<>();
            inSynchronizers = false;
        }

        private void threadLine(String line) {
            // Indexes instead of strip(): a 1000-thread dump has ~30k lines, and most are frames.
            int i = 0;
            int n = line.length();
            while (i < n && (line.charAt(i) == '\t' || line.charAt(i) == ' ')) {
                i++;
            }
            if (i == n) {
                return;
            }
            if (line.startsWith("at ", i)) {
                flushFrame();
                frameText = line.substring(i + 3).stripTrailing();
            } else if (line.startsWith("- ", i)) {
                String s = line.substring(i + 2).stripTrailing();
                if (inSynchronizers) {
                    if (!s.equals("None")) {
                        LockRef ref = lockRef(s);
                        if (ref != null) {
                            synchronizers.add(ref);
                        }
                    }
                } else if (frameText != null) {
                    FrameLock fl = frameLock(s);
                    if (fl != null) {
                        frameLocks.add(fl);
                    }
                }
            } else if (line.startsWith("java.lang.Thread.State: ", i)) {
                String v = line.substring(i + "java.lang.Thread.State: ".length()).strip();
                int paren = v.indexOf(" (");
                String name = paren < 0 ? v : v.substring(0, paren);
                stateDetail = paren < 0 ? "" : v.substring(paren + 2, v.length() - (v.endsWith(")") ? 1 : 0));
                try {
                    state = Thread.State.valueOf(name.trim());
                } catch (IllegalArgumentException e) {
                    state = null;
                }
            } else if (line.startsWith("Locked ownable synchronizers:", i)) {
                flushFrame();
                inSynchronizers = true;
            }
            // anything else ("No compile task", "Carrying virtual thread #..", compiler task lines) is skipped
        }

        private void flushFrame() {
            if (frameText != null) {
                frames.add(new JvmFrame(frameText, frameLocks));
                frameText = null;
                frameLocks = new ArrayList<>();
            }
        }

        private void finishThread() {
            if (header == null) {
                return;
            }
            flushFrame();
            threads.add(new JvmThread(header.name, header.number, header.daemon, header.priority, header.tid,
                    header.nid, header.status, state, stateDetail, frames, synchronizers));
            header = null;
        }

        /** Reads the waits of one deadlock section and skips its "Java stack information" part. */
        private ReportedDeadlock readDeadlock() {
            List<ReportedDeadlock.Wait> waits = new ArrayList<>();
            String thread = null;
            String kind = null;
            LockRef lock = null;
            int mark;
            String line;
            while (true) {
                mark = pos;
                line = nextLine();
                if (line == null || line.startsWith("Java stack information")) {
                    break;
                }
                if (line.startsWith("Found ")) {
                    pos = mark; // not ours: let the main loop see it
                    break;
                }
                String s = line.strip();
                if (line.startsWith("\"") && s.endsWith("\":")) {
                    thread = s.substring(1, s.length() - 2);
                } else if (s.startsWith("waiting to lock monitor ")) {
                    kind = "monitor";
                    lock = monitorInDeadlock(s);
                } else if (s.startsWith("waiting for ownable synchronizer ")) {
                    kind = "ownable synchronizer";
                    lock = synchronizerInDeadlock(s);
                } else if (s.startsWith("waiting to lock JVM TI raw monitor ")) {
                    kind = "JVM TI raw monitor";
                    lock = new LockRef(null, "raw monitor " + s.substring("waiting to lock JVM TI raw monitor ".length())
                            .replaceAll(",$", ""));
                } else if (s.contains("which is held by ") && thread != null) {
                    String by = s.substring(s.indexOf("which is held by ") + "which is held by ".length());
                    if (by.length() >= 2 && by.startsWith("\"") && by.endsWith("\"")) {
                        by = by.substring(1, by.length() - 1);
                    }
                    waits.add(new ReportedDeadlock.Wait(thread, kind, lock, by));
                    thread = null;
                }
            }
            // skip the stack information: up to the next "Found ..." line
            while (true) {
                mark = pos;
                line = nextLine();
                if (line == null) {
                    break;
                }
                if (line.startsWith("Found ")) {
                    pos = mark;
                    break;
                }
            }
            return new ReportedDeadlock(waits);
        }

        /** {@code waiting to lock monitor 0x.. (object 0x.., a Cls),} */
        private static LockRef monitorInDeadlock(String s) {
            int obj = s.indexOf("(object ");
            if (obj < 0) {
                return new LockRef(null, "?");
            }
            int comma = s.indexOf(", a ", obj);
            int close = s.lastIndexOf(')');
            if (comma < 0 || close < comma) {
                return new LockRef(null, "?");
            }
            return new LockRef(normalize(s.substring(obj + "(object ".length(), comma)), s.substring(comma + 4, close));
        }

        /** {@code waiting for ownable synchronizer 0x.., (a Cls),} */
        private static LockRef synchronizerInDeadlock(String s) {
            String rest = s.substring("waiting for ownable synchronizer ".length());
            int comma = rest.indexOf(',');
            int a = rest.indexOf("(a ");
            int close = rest.lastIndexOf(')');
            String addr = comma < 0 ? rest : rest.substring(0, comma);
            String cls = a >= 0 && close > a ? rest.substring(a + 3, close) : "?";
            return new LockRef(normalize(addr.trim()), cls);
        }

        private static final String[][] KINDS = {
                {"waiting to lock ", "WAITING_TO_LOCK"},
                {"waiting to re-lock in wait() ", "WAITING_TO_RELOCK"},
                {"waiting on ", "WAITING_ON"},
                {"parking to wait for ", "PARKING"},
                {"locked ", "LOCKED"},
                {"eliminated ", "ELIMINATED"},
        };

        private static final String CLASS_INIT = "waiting on the Class initialization monitor for ";

        private static FrameLock frameLock(String s) {
            if (s.startsWith(CLASS_INIT)) {
                return new FrameLock(FrameLock.Kind.CLASS_INIT, new LockRef(null, s.substring(CLASS_INIT.length()).strip()));
            }
            for (String[] k : KINDS) {
                if (s.startsWith(k[0])) {
                    LockRef ref = lockRef(s.substring(k[0].length()).strip());
                    return ref == null ? null : new FrameLock(FrameLock.Kind.valueOf(k[1]), ref);
                }
            }
            return null;
        }

        /** {@code <0x..> (a Cls)}, {@code <no object reference available>}, {@code <owner is scalar replaced> (a Cls)}. */
        private static LockRef lockRef(String s) {
            if (!s.startsWith("<")) {
                return null;
            }
            int gt = s.indexOf('>');
            if (gt < 0) {
                return null;
            }
            String inside = s.substring(1, gt);
            String addr = inside.startsWith("0x") ? normalize(inside) : null;
            int a = s.indexOf("(a ", gt);
            int close = s.lastIndexOf(')');
            String cls = a >= 0 && close > a ? s.substring(a + 3, close) : "";
            return new LockRef(addr, cls);
        }

        /** {@code 0x} and 16 lowercase hex digits (checked in place: this runs for every lock line). */
        private static boolean isCanonical(String hex) {
            if (hex.length() != 18 || hex.charAt(0) != '0' || hex.charAt(1) != 'x') {
                return false;
            }
            for (int i = 2; i < 18; i++) {
                char c = hex.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
            }
            return true;
        }

        /** Addresses are compared as numbers: {@code 0x69ec20510} equals {@code 0x000000069ec20510}. */
        private static String normalize(String hex) {
            if (isCanonical(hex)) {
                return hex; // HotSpot's usual form, e.g. 0x000000069ec20510: no copy at all
            }
            String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
            if (digits.length() == 16 && digits.equals(digits.toLowerCase(java.util.Locale.ROOT))) {
                return "0x" + digits; // HotSpot's usual form: nothing to do
            }
            try {
                String h = Long.toHexString(Long.parseUnsignedLong(digits, 16));
                return "0x" + "0".repeat(Math.max(0, 16 - h.length())) + h;
            } catch (NumberFormatException e) {
                return hex;
            }
        }
    }

    /** The first line of a thread. */
    private record Header(String name, long number, boolean daemon, int priority, String tid, long nid,
                          String status) {

        static Header parse(String line) {
            int close = line.lastIndexOf('"');
            String name = line.substring(1, close);
            String rest = line.substring(close + 1).strip();
            long number = -1;
            boolean daemon = false;
            int priority = -1;
            String tid = "";
            long nid = -1;
            String status = "";
            String[] tokens = rest.split(" ");
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i];
                if (t.startsWith("#") && number < 0) {
                    number = parseLong(t.substring(1), 10);
                } else if (t.equals("daemon")) {
                    daemon = true;
                } else if (t.startsWith("prio=")) {
                    priority = (int) parseLong(t.substring(5), 10);
                } else if (t.startsWith("tid=")) {
                    tid = t.substring(4);
                } else if (t.startsWith("nid=")) {
                    String v = t.substring(4);
                    nid = v.startsWith("0x") ? parseLong(v.substring(2), 16) : parseLong(v, 10);
                    status = statusAfter(tokens, i + 1);
                    break;
                }
            }
            return new Header(name, number, daemon, priority, tid, nid, status);
        }

        /** The words after nid= up to the trailing {@code [0x...]} stack address. */
        private static String statusAfter(String[] tokens, int from) {
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < tokens.length; i++) {
                String t = tokens[i];
                if (t.startsWith("[0x")) {
                    break;
                }
                if (!t.isEmpty()) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(t);
                }
            }
            return sb.toString();
        }

        private static long parseLong(String s, int radix) {
            try {
                return Long.parseLong(s, radix);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
