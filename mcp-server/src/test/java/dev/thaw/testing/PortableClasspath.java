package dev.thaw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Copies of class-path entries that every target can reach: under /var/tmp (not /tmp, which some
 * targets hide behind a private tmpfs), world-readable (targets run as other users too). Wherever the
 * checkout lives — /root, /tmp, a home directory — target JVMs then find their classes.
 */
public final class PortableClasspath {

    private static final Map<Path, Path> COPIES = new ConcurrentHashMap<>();
    private static volatile Path base;

    private PortableClasspath() {
    }

    /** A reachable copy of a directory or jar, made once per test JVM and removed when it exits. */
    public static Path of(Path entry) {
        return COPIES.computeIfAbsent(entry.toAbsolutePath().normalize(), PortableClasspath::copy);
    }

    public static String of(String entry) {
        return of(Path.of(entry)).toString();
    }

    private static synchronized Path base() throws IOException {
        if (base == null) {
            Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "thaw-test-cp-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "thaw-test-cp-cleanup"));
            base = dir;
        }
        return base;
    }

    private static Path copy(Path source) {
        try {
            Path target = base().resolve(COPIES.size() + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                Files.walkFileTree(source, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        Path d = target.resolve(source.relativize(dir).toString());
                        Files.createDirectories(d);
                        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Path f = target.resolve(source.relativize(file).toString());
                        Files.copy(file, f, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to /var/tmp", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
