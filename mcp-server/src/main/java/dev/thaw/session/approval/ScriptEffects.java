package dev.thaw.session.approval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a script may change in the target, read statically from its text, for the one line a person
 * reads above the script before approving it: "may change: writes files (line 3), sends signals
 * (line 7)", or "reads only".
 *
 * <p>How: comments and string literals are blanked out (so {@code "os.kill"} inside a string or a
 * comment counts for nothing, and line numbers stay), then each line is matched against patterns for
 * Python (or Java probes): file writes, sockets, processes, signals, thread starts, memory access
 * ({@code ctypes}, {@code Unsafe}), and changes to objects the script did not create — an attribute
 * or item assignment, {@code setattr}/{@code del}, or a known mutating method ({@code release},
 * {@code put}, {@code set}, {@code append}, ...) called on a name that the script did not bind
 * itself (Python: assignments, {@code for}, {@code with ... as}, {@code def}, {@code class};
 * {@code import}ed modules are the program's own, so they do not count as created).
 *
 * <p>Limits (it is a scan, not an interpreter): it cannot see through aliases ({@code k = os.kill;
 * k(...)}) or {@code getattr}; code built at run time is only reported as "runs dynamic code"; a call
 * into the program's own functions may do anything and is not reported (it looks like any library
 * call); a method called on a local name that was bound to one of the program's objects counts as the
 * script's own object.
 * "reads only" therefore means that none of these patterns was found, not a proof.
 */
public final class ScriptEffects {

    /** One kind of change, where it was first seen. */
    public record Effect(String what, int line) {
    }

    private static final Set<String> PROVIDED = Set.of("params", "out", "frame", "injection_id", "self", "cls");

    private static final Map<String, Pattern> PYTHON = new LinkedHashMap<>();
    private static final Map<String, Pattern> JAVA = new LinkedHashMap<>();

    static {
        PYTHON.put("writes files", Pattern.compile(
                "\\bopen\\s*\\([^)]*,\\s*(?:mode\\s*=\\s*)?['\"][^'\"]*[wax+]|\\.write_(?:text|bytes)\\s*\\(|\\bos\\.(?:remove|unlink|rename|replace|"
                        + "rmdir|removedirs|mkdir|makedirs|truncate|ftruncate|write|chmod|chown|symlink|link|utime)\\s*\\(|"
                        + "\\bshutil\\.\\w+\\s*\\(|\\.(?:unlink|mkdir|touch|rmdir|rename|replace|chmod|symlink_to|hardlink_to)\\s*\\(|"
                        + "\\bopen\\s*\\([^)]*\\bmode\\s*=\\s*\\w"));
        PYTHON.put("opens sockets", Pattern.compile(
                "\\bsocket\\s*\\.\\s*(?:socket|create_connection|create_server|socketpair|fromfd)\\b|\\b(?:urllib|http\\.client|"
                        + "requests|httpx|smtplib|ftplib|telnetlib|xmlrpc|asyncio\\.open_connection|asyncio\\.start_server)\\b|"
                        + "\\.(?:connect|bind|listen|sendall|sendto)\\s*\\("));
        PYTHON.put("starts processes", Pattern.compile(
                "\\bsubprocess\\b|\\bos\\.(?:system|popen|fork|forkpty|exec\\w*|spawn\\w*|posix_spawn\\w*)\\s*\\(|"
                        + "\\bmultiprocessing\\b|\\bpty\\.spawn\\b|\\bconcurrent\\.futures\\.ProcessPoolExecutor\\b"));
        PYTHON.put("sends signals", Pattern.compile(
                "\\bos\\.(?:kill|killpg)\\s*\\(|\\bsignal\\.(?:pthread_kill|raise_signal|signal|alarm|setitimer|"
                        + "set_wakeup_fd|siginterrupt|pthread_sigmask)\\s*\\(|\\.send_signal\\s*\\(|\\bpidfd_send_signal\\b"));
        PYTHON.put("starts threads", Pattern.compile(
                "\\bThread\\s*\\(|\\b_thread\\.start_new(?:_thread)?\\s*\\(|\\bThreadPoolExecutor\\s*\\(|\\bTimer\\s*\\("));
        PYTHON.put("touches memory or the interpreter directly", Pattern.compile(
                "\\bctypes\\b|\\bcffi\\b|\\bsys\\.(?:settrace|setprofile|setrecursionlimit|setswitchinterval|"
                        + "set_int_max_str_digits|addaudithook|remote_exec|monitoring)\\b|\\bgc\\.(?:disable|enable|freeze|set_threshold)\\s*\\("
                        + "|\\bfaulthandler\\.(?:enable|register|dump_traceback_later)\\s*\\(|\\btracemalloc\\.start\\s*\\("));
        PYTHON.put("runs dynamic code", Pattern.compile("\\b(?:exec|eval|compile|__import__)\\s*\\(|\\bimportlib\\.reload\\b"));
        PYTHON.put("exits or interrupts threads", Pattern.compile(
                "\\bos\\._exit\\s*\\(|\\bos\\.abort\\s*\\(|\\b_thread\\.interrupt_main\\s*\\(|\\bPyThreadState_SetAsyncExc\\b"));

        JAVA.put("writes files", Pattern.compile(
                "\\bFiles\\.(?:write\\w*|delete\\w*|move|copy|create\\w*|newOutputStream|newBufferedWriter|set\\w+)\\s*\\(|"
                        + "\\bnew\\s+(?:FileOutputStream|FileWriter|RandomAccessFile|PrintWriter\\s*\\(\\s*new\\s+File)|"
                        + "\\.(?:delete|mkdirs?|renameTo|createNewFile|setWritable|setExecutable)\\s*\\(|\\bFileChannel\\.open\\b"));
        JAVA.put("opens sockets", Pattern.compile(
                "\\bnew\\s+(?:Socket|ServerSocket|DatagramSocket|URL)\\s*\\(|\\b(?:SocketChannel|ServerSocketChannel|"
                        + "DatagramChannel|HttpClient|HttpURLConnection)\\b|\\.openConnection\\s*\\("));
        JAVA.put("starts processes", Pattern.compile("\\bProcessBuilder\\b|\\.exec\\s*\\(|\\bRuntime\\.getRuntime\\(\\)\\.exec\\b"));
        JAVA.put("sends signals", Pattern.compile("\\bsun\\.misc\\.Signal\\b|\\bSignal\\.raise\\b|\\.destroy(?:Forcibly)?\\s*\\("));
        JAVA.put("starts threads", Pattern.compile("\\bnew\\s+Thread\\s*\\(|\\.start\\s*\\(\\s*\\)|\\bExecutors\\.|\\bThread\\.(?:ofVirtual|ofPlatform|startVirtualThread)\\b"));
        JAVA.put("writes fields or memory", Pattern.compile(
                "\\.set(?:Int|Long|Boolean|Byte|Char|Short|Float|Double)?\\s*\\([^)]*,|\\bUnsafe\\b|\\bVarHandle\\b|"
                        + "\\bSystem\\.(?:setProperty|setOut|setErr|setIn|setSecurityManager|clearProperty|exit|gc)\\s*\\(|"
                        + "\\bRuntime\\.getRuntime\\(\\)\\.(?:exit|halt|gc|addShutdownHook)\\b|\\.(?:interrupt|stop|suspend|resume)\\s*\\(\\s*\\)|"
                        + "\\binstrumentation\\b|\\bInstrumentation\\b|\\bclearProperty\\b|\\.setAccessible\\s*\\("));
    }

    /** Methods that change the object they are called on (locks, queues, events, containers, files, sockets). */
    private static final Pattern MUTATING_CALL = Pattern.compile(
            "\\b([A-Za-z_][\\w.]*)\\.(release|acquire|set|clear|put|put_nowait|get_nowait|append|appendleft|extend|insert|"
                    + "remove|pop|popleft|popitem|update|setdefault|discard|add|cancel|close|shutdown|terminate|kill|"
                    + "notify|notify_all|send|sendall|write|writelines|truncate|seek|flush|reset|abort|set_result|"
                    + "set_exception|throw|switch|submit|call_soon|call_soon_threadsafe|"
                    + "register|unregister|setLevel|addHandler|removeHandler|disable|enable|sort|reverse|__setitem__|__setattr__)\\s*\\(");
    private static final Pattern ASSIGN_TARGET = Pattern.compile(
            "^\\s*(?:del\\s+)?([A-Za-z_]\\w*)((?:\\.[A-Za-z_]\\w*|\\[[^\\]]*\\])+)\\s*(?:[-+*/%&|^@]|//|\\*\\*|<<|>>)?=(?!=)|^\\s*del\\s+([A-Za-z_]\\w*)(?:\\.|\\[)");
    private static final Pattern SETATTR = Pattern.compile("\\b(?:setattr|delattr)\\s*\\(\\s*([A-Za-z_][\\w.]*)");
    private static final Pattern BINDS = Pattern.compile(
            "^\\s*(?:([A-Za-z_][\\w, ]*?)\\s*=(?!=)|for\\s+([A-Za-z_][\\w, ]*?)\\s+in\\b|def\\s+([A-Za-z_]\\w*)|class\\s+([A-Za-z_]\\w*))"
                    + "|\\bas\\s+([A-Za-z_]\\w*)\\s*[:,)]|\\(([A-Za-z_]\\w*)\\s*:=");
    private static final Pattern IMPORTS = Pattern.compile("^\\s*(?:import\\s+([\\w., ]+)|from\\s+[\\w.]+\\s+import\\s+([\\w, ()]+))");

    private ScriptEffects() {
    }

    /** Python, unless {@code language} is {@code java}. */
    public static List<Effect> scan(String script, String language) {
        boolean java = "java".equals(language == null ? null : language.toLowerCase(Locale.ROOT));
        String[] lines = blank(script, java).split("\n", -1);
        Map<String, Effect> found = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            if (IMPORTS.matcher(lines[i]).find() || lines[i].trim().startsWith("import ")) {
                continue; // importing names a module; what is done with it is on later lines
            }
            for (Map.Entry<String, Pattern> e : (java ? JAVA : PYTHON).entrySet()) {
                if (!found.containsKey(e.getKey()) && e.getValue().matcher(lines[i]).find()) {
                    found.put(e.getKey(), new Effect(e.getKey(), i + 1));
                }
            }
        }
        if (!java) {
            Set<String> created = created(lines);
            String foreign = "changes objects it did not create";
            for (int i = 0; i < lines.length && !found.containsKey(foreign); i++) {
                String root = foreignTarget(lines[i], created);
                if (root != null) {
                    found.put(foreign, new Effect(foreign + " (" + root + ")", i + 1));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The one line shown above the script. */
    public static String summary(String script, String language) {
        List<Effect> effects = scan(script, language);
        if (effects.isEmpty()) {
            return "Reads only: no file writes, sockets, processes, signals, threads or changes to the program's "
                    + "objects found (a static scan: it cannot see through aliases or the program's own functions).";
        }
        StringBuilder sb = new StringBuilder("May change the target: ");
        for (int i = 0; i < effects.size(); i++) {
            Effect e = effects.get(i);
            sb.append(i == 0 ? "" : "; ").append(e.what()).append(" (line ").append(e.line()).append(')');
        }
        return sb.append('.').toString();
    }

    /** The root name of an assignment, del, setattr or mutating call on something the script did not create, or null. */
    private static String foreignTarget(String line, Set<String> created) {
        Matcher a = ASSIGN_TARGET.matcher(line);
        if (a.find()) {
            String root = a.group(1) != null ? a.group(1) : a.group(3);
            if (root != null && !created.contains(root) && !PROVIDED.contains(root)) {
                return root + (a.group(2) == null ? "" : a.group(2));
            }
        }
        Matcher s = SETATTR.matcher(line);
        while (s.find()) {
            String root = s.group(1).split("\\.")[0];
            if (!created.contains(root) && !PROVIDED.contains(root)) {
                return "setattr on " + s.group(1);
            }
        }
        Matcher m = MUTATING_CALL.matcher(line);
        while (m.find()) {
            String receiver = m.group(1);
            String root = receiver.split("\\.")[0];
            if (created.contains(root) || PROVIDED.contains(root) || receiver.matches("sys\\.(?:stdout|stderr)")
                    || (root.equals("os") || root.equals("time"))) {
                continue;
            }
            return receiver + "." + m.group(2) + "()";
        }
        return null;
    }

    /** Names the script binds itself (not imports: a module is the program's shared object). */
    private static Set<String> created(String[] lines) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> imported = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher im = IMPORTS.matcher(line);
            if (im.find()) {
                String list = im.group(1) != null ? im.group(1) : im.group(2);
                for (String part : list.replace("(", "").replace(")", "").split(",")) {
                    String[] words = part.trim().split("\\s+");
                    if (words.length > 0 && !words[0].isEmpty()) {
                        imported.add(words[words.length - 1].split("\\.")[0]);
                    }
                }
                continue;
            }
            Matcher b = BINDS.matcher(line);
            while (b.find()) {
                for (int g = 1; g <= b.groupCount(); g++) {
                    if (b.group(g) != null) {
                        for (String n : b.group(g).split(",")) {
                            String name = n.trim();
                            if (name.matches("[A-Za-z_]\\w*")) {
                                names.add(name);
                            }
                        }
                    }
                }
            }
        }
        names.removeAll(imported);
        return names;
    }

    /**
     * The text with comments and the contents of string literals replaced by spaces (newlines kept),
     * so that patterns match code only. Python: {@code #} comments, '...', "...", and triple quotes;
     * Java: {@code //} and block comments, "...", '.' and text blocks. The quotes themselves stay, so
     * {@code open(p, 'w')} still shows its mode: a literal's first character is kept when the literal is
     * at most 3 characters long (file modes), everything else is blanked.
     */
    static String blank(String s, boolean java) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!java && c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (java && s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (java && s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                blankRange(s, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                String quote = s.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int start = i + quote.length();
                int j = start;
                while (j < s.length() && !s.startsWith(quote, j) && (quote.length() == 3 || s.charAt(j) != '\n')) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j, s.length());
                out.append(quote);
                if (j - start <= 3) {
                    out.append(s, start, j);
                } else {
                    blankRange(s, start, j, out);
                }
                if (j < s.length()) {
                    out.append(quote);
                }
                i = Math.min(s.length(), j + quote.length());
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blankRange(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
