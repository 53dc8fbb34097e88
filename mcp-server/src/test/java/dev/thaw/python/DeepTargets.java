package dev.thaw.python;

import dev.thaw.testing.TestPythons;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Target programs from {@code src/test/resources/python/deep}, staged as files inside the sid root
 * (a fresh directory under its /tmp), so that the target runs them from its own file system: the
 * same path does not exist on the host, which is what proves thaw reads the target's files.
 */
final class DeepTargets implements AutoCloseable {

    final Path hostDir;
    final String targetDir;

    DeepTargets() {
        try {
            Path tmp = TestPythons.SID_ROOT.resolve("tmp");
            hostDir = Files.createTempDirectory(tmp, "thaw-deep-");
            targetDir = "/tmp/" + hostDir.getFileName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a resource into the directory; returns its path as the target sees it. */
    String stage(String resource) {
        try (InputStream in = DeepTargets.class.getResourceAsStream("/python/deep/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            Files.copy(in, hostDir.resolve(resource));
            return targetDir + "/" + resource;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path host(String name) {
        return hostDir.resolve(name);
    }

    String target(String name) {
        return targetDir + "/" + name;
    }

    TestPythons.Target run(String version, String resource, String... args) {
        List<String> cmd = new ArrayList<>(List.of(TestPythons.require(version).toString(), stage(resource)));
        cmd.addAll(List.of(args));
        return TestPythons.start(cmd, Map.of());
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(hostDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
