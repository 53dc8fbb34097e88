package dev.thaw.testing;

import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionRequest;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.ProgressSink;
import dev.thaw.proc.ProcFs;
import dev.thaw.python.inject.PythonInjector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real Python injection service, in-process, for tests in any package: its journal lives in a
 * temporary directory removed on {@link #close()}.
 */
public final class TestInjections implements AutoCloseable {

    private final Path journal;
    private final InjectionService service;

    public TestInjections() {
        ProcFs proc = ProcFs.system();
        try {
            journal = Files.createTempDirectory("thaw-inject-journal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = InjectionService.start(proc, List.of(new PythonInjector(proc)), new InjectionDirs(proc, journal));
    }

    /** Injects {@code code} (thread {@code auto}, mode {@code thread}) and waits up to {@code timeout} for the result. */
    public InjectionResult inject(int pid, String code, Duration timeout) {
        return inject(InjectionRequest.of(pid, code).withTimeout(timeout));
    }

    public InjectionResult inject(InjectionRequest request) {
        return service.inject(request, ProgressSink.NONE);
    }

    @Override
    public void close() {
        service.close();
        try (Stream<Path> s = Files.walk(journal)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
