package dev.thaw.catalog;

import dev.thaw.jvm.JvmIdentity;
import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.process.RuntimeInfo;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a catalog entry's {@code requires} holds for one process: {@code JDK N+} against the JVM's
 * version; a package name (gevent, greenlet, ...) against the files the process has mapped, since
 * such packages load a compiled extension from their own directory. Unknown stays "applies": an
 * entry is hidden only on evidence.
 */
public final class Requirements {

    private static final Pattern JDK = Pattern.compile("JDK (\\d+)\\+");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final RuntimeInfo runtime;
    private final List<String> mapped;

    private Requirements(RuntimeInfo runtime, List<String> mapped) {
        this.runtime = runtime;
        this.mapped = mapped;
    }

    public static Requirements of(ProcFs proc, int pid, RuntimeInfo runtime) {
        List<String> mapped;
        try {
            mapped = MapsParser.read(proc, pid).stream().map(MemoryMap::path).filter(p -> p != null && p.startsWith("/"))
                    .distinct().toList();
        } catch (RuntimeException e) {
            mapped = null; // unreadable: nothing is hidden
        }
        return new Requirements(runtime, mapped);
    }

    /** False only when the process shows it lacks what {@code requires} names. */
    public boolean applies(String requires) {
        if (requires == null || requires.isBlank()) {
            return true;
        }
        Matcher jdk = JDK.matcher(requires.trim());
        if (jdk.matches()) {
            int feature = JvmIdentity.featureVersionOf(runtime.version());
            return feature == 0 || feature >= Integer.parseInt(jdk.group(1));
        }
        if (mapped == null || !PACKAGE.matcher(requires.trim()).matches()) {
            return true;
        }
        String dir = "/" + requires.trim() + "/";
        String module = "/" + requires.trim() + ".";
        return mapped.stream().anyMatch(p -> p.contains(dir) || p.contains(module));
    }
}
