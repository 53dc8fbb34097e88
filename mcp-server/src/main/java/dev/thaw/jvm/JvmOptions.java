package dev.thaw.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JVM options of a process, in the order the JVM applies them, to answer "is boolean flag X
 * on?" without talking to the process: the last {@code -XX:+X} / {@code -XX:-X} wins.
 *
 * <p>Two sources. The hsperfdata {@code java.rt.vmArgs} counter is the JVM's own record
 * (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, expanded @argfiles, the command line), but it is cut at
 * 1024 bytes and absent with -XX:-UsePerfData. So when it says nothing about a flag we fall back
 * to what we can see from /proc: JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, the launcher's options
 * from the command line, then _JAVA_OPTIONS (that is HotSpot's precedence). That fallback misses
 * @argfiles and -XX:VMOptionsFile, which is why hsperfdata is asked first.
 */
final class JvmOptions {

    /** Launcher options whose value is the next argument (so the value is not the main class). */
    private static final Set<String> TAKES_VALUE = Set.of(
            "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
            "--add-modules", "--add-reads", "--add-exports", "--add-opens", "--limit-modules",
            "--patch-module", "--source", "--enable-native-access");

    private final List<String> fromPerfData;
    private final List<String> fromProc;

    private JvmOptions(List<String> fromPerfData, List<String> fromProc) {
        this.fromPerfData = fromPerfData;
        this.fromProc = fromProc;
    }

    /**
     * @param vmArgs  hsperfdata {@code java.rt.vmArgs}, or null
     * @param argv    the process's argument vector (may be empty when unreadable)
     * @param environ {@code NAME=value} entries (may be empty when unreadable)
     */
    static JvmOptions of(String vmArgs, List<String> argv, List<String> environ) {
        List<String> perf = vmArgs == null ? List.of() : split(vmArgs);
        List<String> proc = new ArrayList<>();
        proc.addAll(split(env(environ, "JAVA_TOOL_OPTIONS")));
        proc.addAll(split(env(environ, "JDK_JAVA_OPTIONS")));
        proc.addAll(launcherOptions(argv));
        proc.addAll(split(env(environ, "_JAVA_OPTIONS")));
        return new JvmOptions(perf, List.copyOf(proc));
    }

    /** The effective value of boolean flag {@code name} if any source sets it. */
    Optional<Boolean> flag(String name) {
        Optional<Boolean> v = lastSetting(fromPerfData, name);
        return v.isPresent() ? v : lastSetting(fromProc, name);
    }

    private static Optional<Boolean> lastSetting(List<String> options, String name) {
        String on = "-XX:+" + name;
        String off = "-XX:-" + name;
        Boolean value = null;
        for (String o : options) {
            if (o.equals(on)) {
                value = Boolean.TRUE;
            } else if (o.equals(off)) {
                value = Boolean.FALSE;
            }
        }
        return Optional.ofNullable(value);
    }

    /**
     * The options before the main class, jar or module when the process was started by the
     * {@code java} launcher; program arguments after it are not JVM options. For other launchers
     * (an embedded JVM) every {@code -XX:} argument is taken, which is the best guess there is.
     */
    static List<String> launcherOptions(List<String> argv) {
        if (argv.isEmpty()) {
            return List.of();
        }
        String argv0 = argv.get(0);
        boolean javaLauncher = argv0.equals("java") || argv0.endsWith("/java");
        List<String> out = new ArrayList<>();
        for (int i = 1; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!javaLauncher) {
                if (a.startsWith("-XX:")) {
                    out.add(a);
                }
                continue;
            }
            if (a.equals("-jar") || a.equals("-m") || a.equals("--module") || !a.startsWith("-")) {
                break;
            }
            out.add(a);
            if (TAKES_VALUE.contains(a)) {
                i++;
            }
        }
        return out;
    }

    private static String env(List<String> environ, String name) {
        String prefix = name + "=";
        for (String e : environ) {
            if (e.startsWith(prefix)) {
                return e.substring(prefix.length());
            }
        }
        return "";
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
