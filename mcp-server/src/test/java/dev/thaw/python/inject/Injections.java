package dev.thaw.python.inject;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.proc.ProcFs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A real injection service for tests (journal in a temporary directory), with short ways to inject. */
final class Injections implements AutoCloseable {

    final ProcFs proc = ProcFs.system();
    final Path journal;
    final InjectionDirs dirs;
    final InjectionService service;

    Injections() {
        try {
            journal = Files.createTempDirectory("thaw-inject-journal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirs = new InjectionDirs(proc, journal);
        service = InjectionService.start(proc, List.of(new PythonInjector(proc)), dirs);
    }

    InjectionResult inject(int pid, String code) {
        return inject(InjectionRequest.of(pid, code));
    }

    InjectionResult inject(int pid, String code, Duration timeout) {
        return inject(InjectionRequest.of(pid, code).withTimeout(timeout));
    }

    InjectionResult inject(int pid, String code, ThreadChoice thread, InjectionMode mode, Duration timeout) {
        return inject(InjectionRequest.of(pid, code).withThread(thread).withMode(mode).withTimeout(timeout));
    }

    InjectionResult inject(int pid, String code, Map<String, Object> params) {
        return inject(InjectionRequest.of(pid, code).withParams(params));
    }

    InjectionResult inject(InjectionRequest request) {
        return service.inject(request, ProgressSink.NONE);
    }

    /** thaw-inj-* entries in the target's temporary directories (through its root). */
    List<String> leftovers(int pid) {
        return leftovers(proc.targetRoot(pid));
    }

    /**
     * The directory of one injection, if still there, after the clean-up thread caught up. (Targets in
     * the sid root share its /tmp, so other tests' live injections may be there too.)
     */
    List<String> leftovers(int pid, String injectionId) {
        dirs.awaitRemovals(Duration.ofSeconds(5));
        return leftovers(proc.targetRoot(pid)).stream().filter(n -> n.endsWith("-" + injectionId)).toList();
    }

    static List<String> leftovers(Path root) {
        return Stream.of("tmp", "var/tmp", "dev/shm").map(root::resolve).filter(Files::isDirectory)
                .flatMap(d -> {
                    try (Stream<Path> s = Files.list(d)) {
                        return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("thaw-inj-") || n.startsWith(".thaw-new-"))
                                .toList().stream();
                    } catch (IOException e) {
                        return Stream.empty();
                    }
                }).toList();
    }

    @Override
    public void close() {
        service.close();
        try (Stream<Path> s = Files.walk(journal)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory
        }
    }
}
