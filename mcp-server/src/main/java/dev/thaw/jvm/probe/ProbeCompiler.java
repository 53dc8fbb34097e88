package dev.thaw.jvm.probe;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import javax.lang.model.SourceVersion;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles probes in the server with {@code javax.tools} (the JDK's compiler API): in memory, against the
 * target's class path plus the agent jar (for {@code Probe}), with {@code --release} = the target's
 * {@code java.specification.version}, so the class files load there and a call to an API the
 * target lacks is a compile error, not a NoSuchMethodError at run time.
 *
 * <p>javac's first compilation in a JVM costs about half a second (class loading and JIT), later
 * ones tens of milliseconds, so the server calls {@link #warmUp()} when it starts: a trivial probe is
 * compiled once on a background thread, long before the first real one (warming when a probe is
 * already on its way would only make it wait for the warm-up). One compilation at a time (the
 * standard file manager is shared: it caches the jars it opened). Results are cached by source,
 * release and class path.
 */
public final class ProbeCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeCompiler.class);
    private static final int CACHE = 64;
    private static final String PROBE = "dev.thaw.agent.Probe";

    /** javac and its file manager: about 600 classes, loaded on first use, not when the server starts. */
    private volatile Javac javacHolder;
    private final AtomicBoolean warm = new AtomicBoolean();
    private final Map<String, CompiledProbe> cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledProbe> e) {
            return size() > CACHE;
        }
    });

    public ProbeCompiler() {
    }

    private record Javac(JavaCompiler compiler, StandardJavaFileManager files) {
    }

    /** The system compiler, or null on a runtime without module jdk.compiler. */
    private Javac javac() {
        Javac j = javacHolder;
        if (j == null) {
            synchronized (this) {
                j = javacHolder;
                if (j == null) {
                    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
                    j = new Javac(compiler, compiler == null ? null
                            : compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8));
                    javacHolder = j;
                }
            }
        }
        return j.compiler() == null ? null : j;
    }

    /** Whether this runtime has a compiler, without loading it. */
    private static boolean compilerPresent() {
        return ModuleLayer.boot().findModule("jdk.compiler").isPresent();
    }

    /** The newest {@code --release} this server's javac can produce. */
    public static int newestRelease() {
        return SourceVersion.latestSupported().ordinal();
    }

    /** Compiles a trivial probe once, on a daemon thread, so the caller's first probe finds javac warm. */
    public void warmUp() {
        if (!compilerPresent() || !warm.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                // Let the server answer its client first: on a 2-core machine a warm-up racing the
                // startup doubled the time to the initialize reply. A first probe rarely comes sooner.
                Thread.sleep(WARM_UP_DELAY_MS);
            } catch (InterruptedException e) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                compileUncached(ProbeSource.of("out.println(params.size());"), Math.min(17, newestRelease()), List.of());
                LOG.debug("javac warm in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.debug("javac warm-up failed: {}", e.toString());
            }
        }, "thaw-javac-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** How long after the server starts javac is warmed. */
    static final long WARM_UP_DELAY_MS = 3000;

    /**
     * @param targetRelease the target's {@code java.specification.version} as a feature number (8 for 1.8)
     * @param classPath     readable paths (see {@link TargetClassPath})
     * @throws CompileFailure.Exception the compiler's errors, in the caller's line numbers
     * @throws ThawException            no compiler here, or a target older than Java 8
     */
    public CompiledProbe compile(String code, int targetRelease, List<Path> classPath) {
        if (javac() == null) {
            throw new ThawException(ErrorCode.NO_COMPILER, "thaw runs on a Java runtime without the compiler (module"
                    + " jdk.compiler), so it cannot compile Java probes.",
                    "Run thaw with a full JDK 17 or newer (JAVA_HOME pointing to a JDK, not a JRE).");
        }
        if (targetRelease < 8) {
            throw new ThawException(ErrorCode.UNSUPPORTED_JVM, "The target runs Java " + targetRelease + "; thaw's probe agent"
                    + " needs Java 8 or newer.", "Use the agent-less tools (snapshot, jvm_diagnostic) on this JVM.");
        }
        int release = Math.min(targetRelease, newestRelease());
        ProbeSource source = ProbeSource.of(code);
        String key = sha256(code) + "|" + release + "|" + classPath;
        CompiledProbe hit = cache.get(key);
        if (hit != null) {
            return hit.cached();
        }
        CompiledProbe compiled = compileUncached(source, release, classPath);
        if (release < targetRelease) {
            List<String> notes = new ArrayList<>(compiled.notes());
            notes.add("Compiled for Java " + release + " (the newest this thaw's JDK can target); the target runs "
                    + targetRelease + ", so its newer APIs are not available to the probe.");
            compiled = new CompiledProbe(compiled.probeClass(), compiled.classes(), release, notes, compiled.compileMs());
        }
        cache.put(key, compiled);
        return compiled;
    }

    private synchronized CompiledProbe compileUncached(ProbeSource source, int release, List<Path> classPath) {
        long t0 = System.nanoTime();
        List<Path> cp = new ArrayList<>(classPath);
        cp.add(AgentJar.serverCopy());
        List<String> options = List.of("--release", Integer.toString(release), "-proc:none", "-g",
                "-Xlint:none", "-implicit:class", "-classpath",
                cp.stream().map(Path::toString).collect(Collectors.joining(":")));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Javac javac = javac();
        MemoryOutput out = new MemoryOutput(javac.files());
        JavaFileObject unit = new SourceText(source);
        JavacTask task = (JavacTask) javac.compiler().getTask(null, out, diagnostics, options, null, List.of(unit));
        List<String[]> probes = new ArrayList<>(); // {simple name, binary name}, found while javac still runs
        task.addTaskListener(new TaskListener() {
            @Override
            public void finished(TaskEvent e) {
                if (e.getKind() == TaskEvent.Kind.ANALYZE && e.getTypeElement() != null) {
                    collectProbes(task, e.getTypeElement(), probes);
                }
            }
        });
        boolean ok = task.call();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!ok) {
            throw new CompileFailure.Exception(failure(source, diagnostics.getDiagnostics()));
        }
        String[] chosen = probes.stream()
                .filter(t -> (t[0] + ".java").equals(source.fileName())).findFirst()
                .orElse(probes.isEmpty() ? null : probes.get(0));
        if (chosen == null) {
            String msg = "no class implements " + PROBE + ": declare `public class MyProbe implements "
                    + PROBE + "` with a public no-argument constructor, or send just the body of"
                    + " run(Map<String,String> params, PrintWriter out)";
            throw new CompileFailure.Exception(new CompileFailure(source.fileName() + ": " + msg, msg,
                    List.of(new CompileFailure.Diagnostic(0, 0, msg))));
        }
        String binary = chosen[1];
        LOG.debug("compiled {} for --release {} in {} ms ({} classes)", binary, release, Math.round(ms),
                out.classes.size());
        return new CompiledProbe(binary, out.classes, release, List.of(), ms);
    }

    private static void collectProbes(JavacTask task, TypeElement type, List<String[]> into) {
        TypeElement probe = task.getElements().getTypeElement(PROBE);
        if (probe == null) {
            return;
        }
        TypeMirror probeType = task.getTypes().erasure(probe.asType());
        if (type.getKind() == ElementKind.CLASS && !type.getModifiers().contains(Modifier.ABSTRACT)
                && task.getTypes().isSubtype(task.getTypes().erasure(type.asType()), probeType)) {
            into.add(new String[] {type.getSimpleName().toString(),
                    task.getElements().getBinaryName(type).toString()});
        }
    }

    private static CompileFailure failure(ProbeSource source, List<Diagnostic<? extends JavaFileObject>> all) {
        String[] lines = source.text().split("\n", -1);
        List<CompileFailure.Diagnostic> errors = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        StringBuilder rendered = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : all) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            long line = d.getLineNumber() == Diagnostic.NOPOS ? 0 : Math.max(1, d.getLineNumber() - source.lineOffset());
            long col = d.getColumnNumber() == Diagnostic.NOPOS ? 0 : d.getColumnNumber();
            if (source.snippet() && d.getLineNumber() == 1 && col > 0) {
                int body = source.text().indexOf("throws Exception { ") + "throws Exception { ".length();
                col = Math.max(1, col - body); // columns of the caller's first line, not of thaw's wrapper
            }
            String message = d.getMessage(Locale.ROOT);
            errors.add(new CompileFailure.Diagnostic(line, col, message));
            String head = message.strip().split("\n", 2)[0];
            String rest = message.strip().substring(head.length()).strip();
            summary.append(summary.length() == 0 ? "" : "\n").append(source.fileName()).append(':').append(line)
                    .append(col > 0 ? ":" + col : "").append(": ").append(head)
                    .append(rest.isEmpty() ? "" : " (" + rest.replaceAll("\\s*\\n\\s*", ", ") + ")");
            rendered.append(source.fileName()).append(':').append(line).append(": error: ").append(head).append('\n');
            long srcLine = d.getLineNumber();
            if (srcLine >= 1 && srcLine <= lines.length) {
                String text = lines[(int) srcLine - 1];
                if (source.snippet() && srcLine == 1) {
                    int body = source.text().indexOf("throws Exception { ") + "throws Exception { ".length();
                    text = text.substring(Math.min(body, text.length()));
                }
                rendered.append("    ").append(text.stripTrailing()).append('\n');
                if (col > 0) {
                    rendered.append("    ").append(" ".repeat((int) Math.min(col - 1, 400))).append("^\n");
                }
            }
            if (!rest.isEmpty()) {
                rendered.append("  ").append(rest.replace("\n", "\n  ")).append('\n');
            }
        }
        rendered.append(errors.size()).append(errors.size() == 1 ? " error" : " errors").append('\n');
        return new CompileFailure(summary.toString(), rendered.toString(), List.copyOf(errors));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The probe's source, from a string. */
    private static final class SourceText extends SimpleJavaFileObject {
        private final String text;

        SourceText(ProbeSource source) {
            super(URI.create("string:///" + source.fileName()), Kind.SOURCE);
            this.text = source.text();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** Keeps the class files in memory instead of writing them. */
    private static final class MemoryOutput extends ForwardingJavaFileManager<JavaFileManager> {
        final Map<String, byte[]> classes = new LinkedHashMap<>();

        MemoryOutput(JavaFileManager delegate) {
            super(delegate);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classes.put(className, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
